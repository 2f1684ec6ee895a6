using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Sixth batch of minimal reproductions (own names, own code) of real-world shapes, from a fourth precision/recall
/// review of mail (JS0002), HTTP (JS0003) and cache/Redis writes (JS0004) reached through helper layers. Positive and
/// negative twins.
/// </summary>
public class RealWorldShapeTests6
{
    // A Npgsql service that commits inside its try and then invalidates a Redis key (or caches a read) before the
    // catch that rolls back; a sibling invalidation helper on the same class; an in-process dictionary, IMemoryCache and
    // a logger as look-alikes. The Redis database is obtained from the multiplexer on each call.
    private const string RedisAfterCommit = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Logging;
        using Npgsql;
        using StackExchange.Redis;

        public class GlossaryService
        {
            private readonly string _cs = "Host=db";
            private readonly IConnectionMultiplexer _redis;
            private readonly IMemoryCache _local;
            private readonly ILogger<GlossaryService> _log;
            private static readonly ConcurrentDictionary<string, string> Seen = new();

            public GlossaryService(IConnectionMultiplexer redis, IMemoryCache local, ILogger<GlossaryService> log) { _redis = redis; _local = local; _log = log; }

            public async Task AddTermAsync(long owner, string term)
            {
                await using var conn = new NpgsqlConnection(_cs);
                await conn.OpenAsync();
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    await using (var cmd = new NpgsqlCommand("insert into terms values (@o, @t)", conn, tx))
                    {
                        await cmd.ExecuteNonQueryAsync();
                    }

                    _local.Remove($"terms:{owner}");
                    Seen[term] = term;
                    _log.LogInformation("added {Term}", term);
                    INSIDE
                    await tx.CommitAsync();
                    await _redis.GetDatabase().KeyDeleteAsync($"terms:{owner}");
                    await ForgetAsync(owner);
                }
                catch
                {
                    await tx.RollbackAsync();
                    throw;
                }
            }

            public async Task<string> ReadAsync(long owner)
            {
                var db = _redis.GetDatabase();
                await using var conn = new NpgsqlConnection(_cs);
                await conn.OpenAsync();
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    await using var cmd = new NpgsqlCommand("update terms set hits = hits + 1", conn, tx);
                    await cmd.ExecuteNonQueryAsync();
                    READ
                    await tx.CommitAsync();
                    await db.StringSetAsync($"terms:{owner}", "[]", TimeSpan.FromMinutes(10));
                    return "[]";
                }
                catch
                {
                    await tx.RollbackAsync();
                    throw;
                }
            }

            private Task ForgetAsync(long owner) => _redis.GetDatabase().KeyDeleteAsync($"terms:{owner}:count");
        }
        """;

    [Fact]
    public Task Redis_invalidation_after_commit_inside_the_try_is_not_reported() => Verify.VerifyAsync(
        RedisAfterCommit.Replace("INSIDE", "").Replace("READ", ""));

    [Fact]
    public Task Redis_invalidation_before_commit_is_reported_directly_and_through_a_helper() => Verify.VerifyAsync(
        RedisAfterCommit
            .Replace("INSIDE", "await {|#0:ForgetAsync(owner)|};")
            .Replace("READ", "{|#1:db.StringSet($\"terms:{owner}\", \"[]\")|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1));

    // Mail through one or two helper layers: an EF Core service that registers a member inside a transaction and
    // notifies through the application's notifier, whose one implementation formats the message and hands it to an
    // ASP.NET Core Identity IEmailSender implemented in the project over MailKit; a Dapper service that sends through
    // its own mailer over System.Net.Mail; and look-alikes: building the MimeMessage, connecting, a no-op sender.
    private const string MailLayers = """
        using System;
        using System.Data;
        using System.Threading.Tasks;
        using Dapper;
        using MailKit.Net.Smtp;
        using Microsoft.AspNetCore.Identity.UI.Services;
        using Microsoft.EntityFrameworkCore;
        using MimeKit;
        using Npgsql;

        namespace Microsoft.AspNetCore.Identity.UI.Services
        {
            public interface IEmailSender { Task SendEmailAsync(string email, string subject, string htmlMessage); }
        }

        public class ClubDb : DbContext { }

        public sealed class MailKitSender : IEmailSender
        {
            public async Task SendEmailAsync(string email, string subject, string htmlMessage)
            {
                var message = new MimeMessage();
                message.To.Add(MailboxAddress.Parse(email));
                message.Subject = subject;
                message.Body = new TextPart("html") { Text = htmlMessage };
                using var smtp = new SmtpClient();
                await smtp.ConnectAsync("smtp.example.org", 587);
                await smtp.SendAsync(message);
                await smtp.DisconnectAsync(true);
            }
        }

        public interface IMemberNotifier { Task WelcomeAsync(string email); }

        public sealed class MemberNotifier : IMemberNotifier
        {
            private readonly IEmailSender _mail;
            public MemberNotifier(IEmailSender mail) { _mail = mail; }
            public Task WelcomeAsync(string email) => _mail.SendEmailAsync(email, "Welcome", "<p>Hello</p>");
        }

        public sealed class PlainMailer
        {
            public void Send(string to, string body)
            {
                using var client = new System.Net.Mail.SmtpClient("smtp.example.org");
                client.Send("club@example.org", to, "Receipt", body);
            }

            public MimeMessage Draft(string to) { var m = new MimeMessage(); m.To.Add(MailboxAddress.Parse(to)); return m; }
        }

        public class Membership
        {
            private readonly ClubDb _db;
            private readonly IMemberNotifier _notifier;
            private readonly PlainMailer _mailer;
            public Membership(ClubDb db, IMemberNotifier notifier, PlainMailer mailer) { _db = db; _notifier = notifier; _mailer = mailer; }

            public async Task JoinAsync(string email)
            {
                await using var transaction = await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                _mailer.Draft(email);
                JOIN
                await transaction.CommitAsync();
                await _notifier.WelcomeAsync(email);
            }

            public void Renew(IDbConnection connection, string email)
            {
                connection.Open();
                using (var tx = connection.BeginTransaction())
                {
                    connection.Execute("update members set until = until + 365", transaction: tx);
                    RENEW
                    tx.Commit();
                }

                _mailer.Send(email, "renewed");
            }
        }
        """;

    [Fact]
    public Task Mail_sent_after_commit_through_helper_layers_is_not_reported() => Verify.VerifyAsync(
        MailLayers.Replace("JOIN", "").Replace("RENEW", ""));

    [Fact]
    public Task Mail_sent_inside_the_transaction_through_helper_layers_is_reported() => Verify.VerifyAsync(
        MailLayers
            .Replace("JOIN", "await {|#0:_notifier.WelcomeAsync(email)|};")
            .Replace("RENEW", "{|#1:_mailer.Send(email, \"renewed\")|};"),
        Verify.Diagnostic("JS0002", 0),
        Verify.Diagnostic("JS0002", 1));

    // HTTP: a typed client (HttpClient injected) that GETs a quote and POSTs a webhook, a named client from
    // IHttpClientFactory, and RestSharp; RULES.md lists the verb methods without telling GET from POST, so a GET inside
    // the transaction is reported too. Creating the client or the request is not a request.
    private const string HttpLayers = """
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;
        using RestSharp;

        namespace System.Net.Http
        {
            // Microsoft.Extensions.Http's factory (not referenced by the tests): only hands out clients.
            public interface IHttpClientFactory { HttpClient CreateClient(string name); }
        }

        public class ShopDb : DbContext { }

        public sealed class RatesClient
        {
            private readonly HttpClient _http;
            public RatesClient(HttpClient http) { _http = http; }
            public Task<decimal> QuoteAsync(string currency) => _http.GetFromJsonAsync<decimal>($"rates/{currency}");
            public async Task NotifyAsync(int order) => (await _http.PostAsJsonAsync("hooks/orders", new { order })).EnsureSuccessStatusCode();
        }

        public sealed class Fulfilment
        {
            private readonly IHttpClientFactory _factory;
            private readonly RestClient _rest;
            public Fulfilment(IHttpClientFactory factory, RestClient rest) { _factory = factory; _rest = rest; }

            public async Task ShipAsync(int order)
            {
                var client = _factory.CreateClient("warehouse");
                using var response = await client.PostAsync($"ship/{order}", null);
            }

            public Task<RestResponse> LabelAsync(int order) => _rest.ExecuteAsync(new RestRequest($"labels/{order}", Method.Post));
        }

        public class Checkout
        {
            private readonly ShopDb _db;
            private readonly RatesClient _rates;
            private readonly Fulfilment _fulfilment;
            public Checkout(ShopDb db, RatesClient rates, Fulfilment fulfilment) { _db = db; _rates = rates; _fulfilment = fulfilment; }

            public async Task PlaceAsync(int order)
            {
                using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                {
                    await _db.SaveChangesAsync();
                    var request = new HttpRequestMessage(HttpMethod.Get, "rates/eur");
                    SCOPE
                    scope.Complete();
                }

                await _rates.NotifyAsync(order);
                await _fulfilment.ShipAsync(order);
            }

            public async Task PayAsync(int order)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                TX
                await tx.CommitAsync();
                await _fulfilment.LabelAsync(order);
                await _rates.QuoteAsync("eur");
            }
        }
        """;

    [Fact]
    public Task Http_calls_after_the_transaction_through_typed_clients_are_not_reported() => Verify.VerifyAsync(
        HttpLayers.Replace("SCOPE", "").Replace("TX", ""));

    [Fact]
    public Task Http_calls_inside_the_transaction_through_typed_clients_are_reported_get_included() => Verify.VerifyAsync(
        HttpLayers
            .Replace("SCOPE", "await {|#0:_rates.QuoteAsync(\"eur\")|}; await {|#1:_fulfilment.ShipAsync(order)|};")
            .Replace("TX", "await {|#2:_fulfilment.LabelAsync(order)|}; await {|#3:_rates.NotifyAsync(order)|};"),
        Verify.Diagnostic("JS0003", 0),
        Verify.Diagnostic("JS0003", 1),
        Verify.Diagnostic("JS0003", 2),
        Verify.Diagnostic("JS0003", 3));

    // Redis batches and Redis transactions (MULTI/EXEC): a CreateTransaction() opens no database region, so a cache
    // writer that uses one outside any database transaction is clean; the same writer called inside a database
    // transaction is reported at the call.
    private const string RedisMulti = """
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using StackExchange.Redis;

        public class BoardDb : DbContext { }

        public sealed class ScoreCache
        {
            private readonly IDatabase _redis;
            public ScoreCache(IDatabase redis) { _redis = redis; }

            public async Task ResetAsync(string board)
            {
                var transaction = _redis.CreateTransaction();
                _ = transaction.KeyDeleteAsync($"board:{board}");
                _ = transaction.SortedSetAddAsync($"boards", board, 0);
                await transaction.ExecuteAsync();
            }

            public void Touch(string board)
            {
                var batch = _redis.CreateBatch();
                _ = batch.KeyExpireAsync($"board:{board}", System.TimeSpan.FromMinutes(5));
                batch.Execute();
            }

            public static void Stage(ITransaction transaction, string board) => transaction.KeyDeleteAsync($"board:{board}");
        }

        public class Boards
        {
            private readonly BoardDb _db;
            private readonly ScoreCache _cache;
            public Boards(BoardDb db, ScoreCache cache) { _db = db; _cache = cache; }

            public async Task ClearAsync(string board)
            {
                await using (var tx = await _db.Database.BeginTransactionAsync())
                {
                    await _db.SaveChangesAsync();
                    CLEAR
                    await tx.CommitAsync();
                }

                await _cache.ResetAsync(board);
                _cache.Touch(board);
            }
        }
        """;

    [Fact]
    public Task Redis_transactions_and_batches_outside_a_database_transaction_are_not_reported() => Verify.VerifyAsync(
        RedisMulti.Replace("CLEAR", ""));

    [Fact]
    public Task Redis_transactions_and_batches_inside_a_database_transaction_are_reported() => Verify.VerifyAsync(
        RedisMulti.Replace("CLEAR", "await {|#0:_cache.ResetAsync(board)|}; {|#1:_cache.Touch(board)|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1));

    // A Redis-backed session store that, inside the transaction recording a login, reads how long a session has left
    // (`KeyExpireTime[Async]`, `HashFieldGetTimeToLive`: reads that share a prefix with the writes) and renews it
    // (`KeyExpire[Async]`, `HashFieldGetLeaseAndSetExpiry`, which returns the field and sets its expiry: a write).
    private const string SessionTtl = """
        using System;
        using System.Threading.Tasks;
        using Npgsql;
        using StackExchange.Redis;

        public class SessionStore
        {
            private readonly IDatabase _redis;
            public SessionStore(IDatabase redis) { _redis = redis; }

            public async Task<bool> TouchAsync(NpgsqlConnection conn, string session)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await using (var cmd = new NpgsqlCommand("update logins set seen = now()", conn, tx))
                {
                    await cmd.ExecuteNonQueryAsync();
                }

                var until = await _redis.KeyExpireTimeAsync($"session:{session}");
                var left = _redis.KeyExpireTime($"session:{session}");
                var fields = _redis.HashFieldGetTimeToLive($"session:{session}:data", new RedisValue[] { "user" });
                RENEW
                await tx.CommitAsync();
                return until is not null || left is not null || fields.Length > 0;
            }
        }
        """;

    [Fact]
    public Task Reading_a_redis_expiry_inside_the_transaction_is_not_reported() => Verify.VerifyAsync(
        SessionTtl.Replace("RENEW", ""));

    [Fact]
    public Task Renewing_a_redis_expiry_inside_the_transaction_is_reported() => Verify.VerifyAsync(
        SessionTtl.Replace(
            "RENEW",
            "await {|#0:_redis.KeyExpireAsync($\"session:{session}\", TimeSpan.FromMinutes(20))|}; " +
            "using var lease = {|#1:_redis.HashFieldGetLeaseAndSetExpiry($\"session:{session}:data\", \"user\", TimeSpan.FromMinutes(20))|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1));
}
