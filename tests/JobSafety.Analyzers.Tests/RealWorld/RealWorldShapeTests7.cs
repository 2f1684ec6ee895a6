using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Seventh batch of minimal reproductions (own names, own code) of real-world shapes, from a fifth recall review:
/// transaction wrappers returned by extension methods, hosted outbox relays over generic contexts, transaction scope
/// managers with completion queues. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests7
{
    // An extension method on DbContext that begins EF's transaction and hands it back inside the application's own
    // wrapper (constructor stores it; CommitAsync/DisposeAsync forward to it). The region runs from the extension
    // call to the wrapper's commit.
    private const string ExtensionWrapper = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public sealed class TxHandle : IAsyncDisposable
        {
            private readonly IDbContextTransaction _inner;
            public TxHandle(IDbContextTransaction inner) { _inner = inner; }
            public Task CommitAsync(CancellationToken ct) => _inner.CommitAsync(ct);
            public ValueTask DisposeAsync() => _inner.DisposeAsync();
        }

        public static class DbContextTxExtensions
        {
            public static async Task<TxHandle> OpenTxAsync(this DbContext db, CancellationToken ct)
            {
                var tx = await db.Database.BeginTransactionAsync(ct);
                return new TxHandle(tx);
            }
        }

        public class ShopDb : DbContext { }

        public class PriceService
        {
            private readonly ShopDb _db;
            private readonly HttpClient _http;
            public PriceService(ShopDb db, HttpClient http) { _db = db; _http = http; }

            public async Task Reprice(int id, CancellationToken ct)
            {
                await using (var tx = await _db.OpenTxAsync(ct))
                {
                    await _db.SaveChangesAsync(ct);
                    INSIDE
                    await tx.CommitAsync(ct);
                }

                await _http.PostAsync("https://search.invalid/reindex/" + id, null, ct);
            }
        }
        """;

    [Fact]
    public Task Http_after_the_wrapper_commits_is_not_reported() => Verify.VerifyAsync(
        ExtensionWrapper.Replace("INSIDE", ""));

    [Fact]
    public Task Http_inside_a_wrapper_from_an_extension_method_is_reported() => Verify.VerifyAsync(
        ExtensionWrapper.Replace("INSIDE", "await {|#0:_http.PostAsync(\"https://search.invalid/reindex/\" + id, null, ct)|};"),
        Verify.Diagnostic("JS0003", 0));

    // A hosted outbox relay generic over its context (`where TContext : DbContext`): it locks pending rows inside an EF
    // transaction begun with ConfigureAwait(false), rolls back and returns early when there is nothing to do, publishes
    // each row through the application's publisher (one implementation, over RabbitMQ) inside a try/catch, then saves
    // and commits. Publishing while the rows are locked is what the relay is for, but it is still a broker write made
    // before the commit: reported at the call. A relay that commits first and publishes afterwards is not.
    private const string GenericRelay = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using RabbitMQ.Client;

        namespace Microsoft.Extensions.Hosting
        {
            public abstract class BackgroundService { protected abstract Task ExecuteAsync(CancellationToken stoppingToken); }
        }

        public interface IEventSink { Task PublishAsync(string type, byte[] body, CancellationToken ct); }

        public sealed class RabbitSink : IEventSink
        {
            private readonly IChannel _channel;
            public RabbitSink(IChannel channel) { _channel = channel; }
            public async Task PublishAsync(string type, byte[] body, CancellationToken ct) =>
                await _channel.BasicPublishAsync("events", type, body, ct);
        }

        public sealed class PendingRow { public long Id { get; set; } public string Type { get; set; } = ""; public byte[] Body { get; set; } = Array.Empty<byte>(); public bool Sent { get; set; } }

        public sealed class RelayService<TContext> : BackgroundService where TContext : DbContext
        {
            private readonly IServiceScopeFactory _scopes;
            private readonly IEventSink _sink;
            public RelayService(IServiceScopeFactory scopes, IEventSink sink) { _scopes = scopes; _sink = sink; }

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await RelayOnceAsync(stoppingToken).ConfigureAwait(false);
                    await Task.Delay(1000, stoppingToken).ConfigureAwait(false);
                }
            }

            private async Task RelayOnceAsync(CancellationToken ct)
            {
                using var scope = _scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                var rows = await db.Set<PendingRow>().FromSqlRaw("select * from pending for update skip locked").ToListAsync(ct).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return;
                }

                var sent = new List<PendingRow>();
                foreach (var row in rows)
                {
                    try
                    {
                        LOCKED
                        row.Sent = true;
                        sent.Add(row);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        row.Sent = false;
                    }
                }

                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                foreach (var row in sent)
                {
                    await _sink.PublishAsync(row.Type, row.Body, ct).ConfigureAwait(false);
                }
            }
        }
        """;

    [Fact]
    public Task Relay_publishing_after_its_commit_is_not_reported() => Verify.VerifyAsync(
        GenericRelay.Replace("LOCKED", ""));

    [Fact]
    public Task Relay_publishing_while_the_rows_are_locked_is_reported() => Verify.VerifyAsync(
        GenericRelay.Replace("LOCKED", "await {|#0:_sink.PublishAsync(row.Type, row.Body, ct)|}.ConfigureAwait(false);"),
        Verify.Diagnostic("JS0001", 0));

    // A transaction scope manager of the application (a CMS-style `Create(db)` returning its own ITxScope): the primary
    // scope's constructor opens a System.Transactions scope through a factory delegate it is given, CompleteAsync
    // completes and disposes it and then runs the callbacks queued with QueueCompletionTask. A side effect queued there
    // runs after the commit; one made between Create and CompleteAsync runs inside it.
    private const string ScopeManager = """
        using System;
        using System.Collections.Generic;
        using System.Net.Mail;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Caching.Distributed;

        public interface ITxScope : IDisposable
        {
            void QueueCompletionTask(Func<Task> action);
            Task CompleteAsync();
        }

        public interface ITxScopeManager { ITxScope Create(DbContext db); }

        public sealed class PrimaryTxScope : ITxScope
        {
            private readonly Queue<Func<Task>> _onComplete = new();
            private TransactionScope? _inner;
            public PrimaryTxScope(Func<TransactionScope> factory) { _inner = factory(); }

            public void QueueCompletionTask(Func<Task> action) => _onComplete.Enqueue(action);

            public async Task CompleteAsync()
            {
                _inner?.Complete();
                Release();
                while (_onComplete.Count > 0)
                {
                    await _onComplete.Dequeue()();
                }
            }

            public void Dispose() => Release();

            private void Release()
            {
                var inner = _inner;
                _inner = null;
                inner?.Dispose();
            }
        }

        public sealed class TxScopeManager : ITxScopeManager
        {
            public ITxScope Create(DbContext db) =>
                new PrimaryTxScope(() => new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled));
        }

        public class CmsDb : DbContext { }

        public class PageCommands
        {
            private readonly CmsDb _db;
            private readonly ITxScopeManager _scopes;
            private readonly IDistributedCache _cache;
            private readonly SmtpClient _smtp;
            public PageCommands(CmsDb db, ITxScopeManager scopes, IDistributedCache cache, SmtpClient smtp) { _db = db; _scopes = scopes; _cache = cache; _smtp = smtp; }

            public async Task Delete(int pageId)
            {
                using (var scope = _scopes.Create(_db))
                {
                    await _db.SaveChangesAsync();
                    INSIDE
                    scope.QueueCompletionTask(() => _cache.RemoveAsync("page:" + pageId));
                    scope.QueueCompletionTask(() => _smtp.SendMailAsync("cms@site.invalid", "editors@site.invalid", "Deleted", pageId.ToString()));
                    await scope.CompleteAsync();
                }

                await _cache.RemoveAsync("pages");
            }
        }
        """;

    [Fact]
    public Task Side_effects_queued_as_completion_tasks_are_not_reported() => Verify.VerifyAsync(
        ScopeManager.Replace("INSIDE", ""));

    [Fact]
    public Task Side_effects_between_create_and_complete_of_a_scope_manager_are_reported() => Verify.VerifyAsync(
        ScopeManager.Replace("INSIDE", "await {|#0:_cache.RemoveAsync(\"page:\" + pageId)|}; await {|#1:_smtp.SendMailAsync(\"cms@site.invalid\", \"editors@site.invalid\", \"Deleting\", pageId.ToString())|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0002", 1));

    [Fact]
    public Task A_scope_factory_the_constructor_only_keeps_opens_nothing() => Verify.VerifyAsync(
        ScopeManager
            .Replace("private TransactionScope? _inner;", "private TransactionScope? _inner; private readonly Func<TransactionScope> _factory;")
            .Replace("{ _inner = factory(); }", "{ _factory = factory; }")
            .Replace("INSIDE", "await _cache.RemoveAsync(\"page:\" + pageId);"));
}
