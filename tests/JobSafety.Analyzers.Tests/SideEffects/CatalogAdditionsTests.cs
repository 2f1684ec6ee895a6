using System.Collections.Immutable;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.SideEffects;

/// <summary>
/// Catalog additions against the real assemblies: Refit interfaces (JS0003, by the HTTP method attribute's symbol),
/// HybridCache writes (JS0004), Flurl.Http's fluent sends (JS0003), and ASP.NET Core Identity's IEmailSender judged by the
/// project's own implementations (JS0002).
/// </summary>
public class CatalogAdditionsTests
{
    // ---------------------------------------------------------------- Refit

    private const string RefitApi = """
        using System.Threading.Tasks;
        using Refit;

        public record GitHubUser(string Login);

        public interface IGitHubApi
        {
            [Get("/users/{login}")]
            Task<GitHubUser> GetUserAsync(string login);

            [Post("/repos/{owner}/{repo}/issues")]
            Task OpenIssueAsync(string owner, string repo, [Body] object issue);
        }
        """;

    [Fact]
    public Task Refit_interface_call_inside_a_transaction_is_reported_after_commit_not() => Verify.VerifyAsync(RefitApi + """

        public class SignupService
        {
            private readonly IGitHubApi _github;
            public SignupService(IGitHubApi github) { _github = github; }

            public async Task LinkAsync(Npgsql.NpgsqlConnection conn, string login)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var user = await {|#0:_github.GetUserAsync(login)|};
                await tx.CommitAsync();
                await _github.OpenIssueAsync("acme", "crm", new { title = user.Login });
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0));

    [Theory]
    [InlineData("Get")]
    [InlineData("Post")]
    [InlineData("Put")]
    [InlineData("Delete")]
    [InlineData("Patch")]
    [InlineData("Head")]
    [InlineData("Options")]
    public Task Every_Refit_http_method_attribute_is_a_request(string verb) => Verify.VerifyAsync($$"""
        using System.Threading.Tasks;
        using Refit;

        public interface IInventoryApi
        {
            [{{verb}}("/stock/{sku}")]
            Task TouchAsync(string sku);
        }

        public class Stock
        {
            public async Task Reserve(System.Data.Common.DbConnection conn, IInventoryApi inventory)
            {
                using var tx = conn.BeginTransaction();
                await {|#0:inventory.TouchAsync("A-1")|};
                tx.Commit();
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0));

    [Fact]
    public Task A_project_attribute_deriving_from_Refit_HttpMethodAttribute_is_a_request() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;

        public sealed class PurgeAttribute : Refit.HttpMethodAttribute
        {
            public PurgeAttribute(string path) : base(path) { }
            public override HttpMethod Method => new HttpMethod("PURGE");
        }

        public interface ICdnApi
        {
            [Purge("/assets/{id}")]
            Task PurgeAsync(string id);
        }

        public class Assets
        {
            public async Task Replace(System.Data.Common.DbConnection conn, ICdnApi cdn)
            {
                using var tx = conn.BeginTransaction();
                await {|#0:cdn.PurgeAsync("logo")|};
                tx.Commit();
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0));

    [Fact]
    public Task The_same_interface_without_Refit_attributes_is_not_a_request() => Verify.VerifyAsync("""
        using System.Threading.Tasks;

        public record GitHubUser(string Login);

        // The project's own abstraction, implemented over its database: judged by its body.
        public interface IGitHubApi
        {
            Task<GitHubUser> GetUserAsync(string login);
        }

        public sealed class CachedUsers : IGitHubApi
        {
            public Task<GitHubUser> GetUserAsync(string login) => Task.FromResult(new GitHubUser(login));
        }

        public class SignupService
        {
            public async Task LinkAsync(Npgsql.NpgsqlConnection conn, IGitHubApi github, string login)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await github.GetUserAsync(login);
                await tx.CommitAsync();
            }
        }
        """);

    // What Refit's source generator adds to the compilation: an implementation of the interface (here one that sends through
    // the HttpClient itself). The attribute decides; the call is reported once, named after the interface.
    private const string RefitGenerated = """
        // <auto-generated />
        namespace Refit.Implementation
        {
            partial class Generated
            {
                [System.Diagnostics.DebuggerNonUserCode]
                sealed class GitHubApiStub : global::IGitHubApi
                {
                    public global::System.Net.Http.HttpClient Client { get; }
                    public GitHubApiStub(global::System.Net.Http.HttpClient client) { Client = client; }

                    public async global::System.Threading.Tasks.Task<global::GitHubUser> GetUserAsync(string login)
                    {
                        using var request = new global::System.Net.Http.HttpRequestMessage(global::System.Net.Http.HttpMethod.Get, "/users/" + login);
                        using var response = await Client.SendAsync(request).ConfigureAwait(false);
                        return new global::GitHubUser(login);
                    }

                    public async global::System.Threading.Tasks.Task OpenIssueAsync(string owner, string repo, object issue)
                    {
                        using var response = await Client.PostAsync("/repos", null).ConfigureAwait(false);
                    }
                }
            }
        }
        """;

    private const string RefitCaller = RefitApi + """

        public class SignupService
        {
            private readonly IGitHubApi _github;
            public SignupService(IGitHubApi github) { _github = github; }

            public async Task LinkAsync(Npgsql.NpgsqlConnection conn, string login)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:_github.GetUserAsync(login)|};
                await tx.CommitAsync();
            }
        }
        """;

    [Fact]
    public async Task A_generated_Refit_implementation_in_the_compilation_does_not_hide_the_call_or_double_it()
    {
        var test = Verify.CreateTest(RefitCaller);
        test.TestState.Sources.Add(("Generated/IGitHubApi.g.cs", RefitGenerated));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003", 0));
        await test.RunAsync(CancellationToken.None);

        var messages = await MessagesAsync(new[] { Strip(RefitCaller), RefitGenerated });
        var message = Assert.Single(messages);
        Assert.StartsWith("'IGitHubApi.GetUserAsync' makes an HTTP request while", message);
    }

    private const string RefitThroughService = RefitApi + """

        public interface IProfileSync { Task SyncAsync(string login); }

        public sealed class ProfileSync : IProfileSync
        {
            private readonly IGitHubApi _github;
            public ProfileSync(IGitHubApi github) { _github = github; }
            public async Task SyncAsync(string login) { var user = await _github.GetUserAsync(login); }
        }

        public class Accounts
        {
            public async Task Rename(System.Data.Common.DbConnection conn, IProfileSync sync, string login)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:sync.SyncAsync(login)|};
                await tx.CommitAsync();
                await sync.SyncAsync(login);
            }
        }
        """;

    [Fact]
    public async Task A_Refit_call_through_a_service_is_reported_at_the_call_with_the_chain()
    {
        await Verify.VerifyAsync(RefitThroughService, Verify.Diagnostic("JS0003", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(RefitThroughService) }));
        Assert.StartsWith("'ProfileSync.SyncAsync' → 'IGitHubApi.GetUserAsync' makes an HTTP request while", message);
    }

    [Fact]
    public async Task A_Refit_interface_from_a_referenced_client_assembly_is_matched_by_its_attribute()
    {
        var client = StandInLibrary.Reference("""
            // The project's API client, compiled in another project of the solution.
            namespace Acme.Billing.Client
            {
                public interface IBillingApi
                {
                    [Refit.Post("/invoices")]
                    System.Threading.Tasks.Task CreateInvoiceAsync([Refit.Body] object invoice);

                    System.Uri BaseAddress { get; }
                }
            }
            """);
        var test = Verify.CreateTest("""
            using System.Threading.Tasks;
            using Acme.Billing.Client;

            public class Checkout
            {
                public async Task Pay(System.Data.Common.DbConnection conn, IBillingApi billing)
                {
                    await using var tx = await conn.BeginTransactionAsync();
                    var address = billing.BaseAddress;
                    await {|#0:billing.CreateInvoiceAsync(new { total = 10 })|};
                    await tx.CommitAsync();
                }
            }
            """);
        test.TestState.AdditionalReferences.Add(client);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003", 0));
        await test.RunAsync(CancellationToken.None);
    }

    // ---------------------------------------------------------------- HybridCache

    [Fact]
    public Task HybridCache_writes_are_reported_GetOrCreate_and_writes_after_commit_are_not() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Hybrid;

        public record Product(int Id, decimal Price);

        public class Catalog
        {
            private readonly HybridCache _cache;
            public Catalog(HybridCache cache) { _cache = cache; }

            public async Task Reprice(Npgsql.NpgsqlConnection conn, Product product)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var current = await _cache.GetOrCreateAsync($"product:{product.Id}", _ => new System.Threading.Tasks.ValueTask<Product>(product));
                await {|#0:_cache.SetAsync($"product:{product.Id}", product)|};
                await {|#1:_cache.RemoveAsync("products:all")|};
                await {|#2:_cache.RemoveByTagAsync("pricing")|};
                await tx.CommitAsync();
                await _cache.RemoveByTagAsync("pricing");
                await _cache.SetAsync($"product:{product.Id}", product);
            }
        }
        """,
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1),
        Verify.Diagnostic("JS0004", 2));

    [Fact]
    public async Task HybridCache_message_names_the_call()
    {
        var messages = await MessagesAsync(new[] { """
            using System.Threading.Tasks;
            public class Prices
            {
                public async Task Clear(System.Data.IDbTransaction tx, Microsoft.Extensions.Caching.Hybrid.HybridCache cache) => await cache.RemoveAsync("prices");
            }
            """ });
        Assert.StartsWith("'HybridCache.RemoveAsync' writes to the hybrid cache while", Assert.Single(messages));
    }

    // ---------------------------------------------------------------- Flurl.Http

    [Fact]
    public Task Flurl_sends_on_strings_urls_and_requests_are_reported_builders_are_not() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Flurl;
        using Flurl.Http;

        public record Shipment(int OrderId, string Address);

        public class Shipping
        {
            private readonly IFlurlClient _client;
            public Shipping(IFlurlClient client) { _client = client; }

            public async Task Ship(Npgsql.NpgsqlConnection conn, Shipment shipment, string token)
            {
                await using var tx = await conn.BeginTransactionAsync();

                // Building a request sends nothing.
                var url = "https://carrier.example".AppendPathSegment("shipments").SetQueryParams(new { express = true });
                var request = url.WithHeader("X-Tenant", "acme").WithOAuthBearerToken(token).AllowAnyHttpStatus();
                var label = _client.Request("labels", shipment.OrderId);

                var quote = await {|#0:"https://carrier.example/quote".GetJsonAsync<decimal>()|};
                await {|#1:url.PostJsonAsync(shipment)|};
                await {|#2:request.PutJsonAsync(shipment)|};
                await {|#3:label.GetStringAsync()|};
                await {|#4:request.SendAsync(HttpMethod.Delete)|};
                await {|#5:label.DownloadFileAsync("/tmp", "label.pdf")|};
                await {|#6:"https://carrier.example/docs".PostMultipartAsync(mp => mp.AddString("id", "1"))|};

                await tx.CommitAsync();
                await url.PostJsonAsync(shipment);
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0),
        Verify.Diagnostic("JS0003", 1),
        Verify.Diagnostic("JS0003", 2),
        Verify.Diagnostic("JS0003", 3),
        Verify.Diagnostic("JS0003", 4),
        Verify.Diagnostic("JS0003", 5),
        Verify.Diagnostic("JS0003", 6));

    private const string FlurlThroughHelper = """
        using System.Threading.Tasks;
        using Flurl.Http;

        public sealed class Webhooks
        {
            public Task NotifyAsync(string url, object payload) => url.WithTimeout(5).PostJsonAsync(payload);
            public IFlurlRequest Prepare(string url) => url.WithHeader("X-Signature", "s");
        }

        public class Orders
        {
            public async Task Place(System.Data.IDbConnection conn, Webhooks hooks)
            {
                using var tx = conn.BeginTransaction();
                hooks.Prepare("https://hooks.example/orders");
                await {|#0:hooks.NotifyAsync("https://hooks.example/orders", new { id = 1 })|};
                tx.Commit();
            }
        }
        """;

    [Fact]
    public async Task A_Flurl_send_through_a_helper_is_reported_with_the_chain_a_builder_helper_is_not()
    {
        await Verify.VerifyAsync(FlurlThroughHelper, Verify.Diagnostic("JS0003", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(FlurlThroughHelper) }));
        Assert.StartsWith("'Webhooks.NotifyAsync' → 'IFlurlRequest.PostJsonAsync' makes an HTTP request while", message);
    }

    [Fact]
    public async Task A_Flurl_send_on_a_string_is_named_after_string()
    {
        var messages = await MessagesAsync(new[] { """
            using System.Threading.Tasks;
            using Flurl.Http;
            public class Rates
            {
                public async Task Refresh(System.Data.IDbTransaction tx) => await "https://rates.example/eur".GetStringAsync();
            }
            """ });
        Assert.StartsWith("'string.GetStringAsync' makes an HTTP request while", Assert.Single(messages));
    }

    // Flurl.Http 4.x (the package served here is 2.4.2): the same GeneratedExtensions class, now also on Uri, a send on the
    // client, and IFlurlResponse whose GetJsonAsync/GetStringAsync read the response already received.
    private const string Flurl4 = """
        // Stand-in for the Flurl.Http 4.x surface used below (exact namespaces, type and method names).
        namespace Flurl.Http
        {
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;

            public interface IFlurlResponse
            {
                Task<T> GetJsonAsync<T>();
                Task<string> GetStringAsync();
            }

            public interface IFlurlRequest
            {
                Task<IFlurlResponse> SendAsync(HttpMethod verb, HttpContent? content = null, HttpCompletionOption completionOption = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default);
            }

            public interface IFlurlClient
            {
                IFlurlRequest Request(params object[] urlSegments);
                Task<IFlurlResponse> SendAsync(IFlurlRequest request, HttpCompletionOption completionOption = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default);
            }

            public static class GeneratedExtensions
            {
                public static Task<T> GetJsonAsync<T>(this System.Uri uri, HttpCompletionOption completionOption = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default) => Task.FromResult(default(T)!);
                public static IFlurlRequest WithHeader(this System.Uri uri, string name, object value) => null!;
            }
        }
        """;

    [Fact]
    public async Task Flurl_4_client_sends_and_uri_extensions_are_reported_response_reads_are_not()
    {
        var test = Verify.CreateTest("""
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Flurl.Http;

            public class Rates
            {
                public async Task Refresh(System.Data.Common.DbConnection conn, IFlurlClient client, Uri feed)
                {
                    using var tx = conn.BeginTransaction();
                    var request = client.Request("rates", "eur");
                    feed.WithHeader("Accept", "application/json");
                    var response = await {|#0:client.SendAsync(request)|};
                    var rate = await response.GetJsonAsync<decimal>();
                    var raw = await response.GetStringAsync();
                    var latest = await {|#1:feed.GetJsonAsync<decimal>()|};
                    await {|#2:request.SendAsync(HttpMethod.Get)|};
                    tx.Commit();
                }
            }
            """);
        test.TestState.AdditionalReferences.RemoveAll(r => r.Display is { } path && Path.GetFileName(path) == "Flurl.Http.dll");
        test.TestState.AdditionalReferences.Add(StandInLibrary.Reference(Flurl4));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003", 0));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003", 1));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003", 2));
        await test.RunAsync(CancellationToken.None);
    }

    // ---------------------------------------------------------------- ASP.NET Core Identity IEmailSender

    private static readonly MetadataReference[] IdentityReferences =
    {
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "Microsoft.AspNetCore.Identity.UI.dll")),
        MetadataReference.CreateFromFile(typeof(Microsoft.AspNetCore.Identity.IEmailSender<>).Assembly.Location),
    };

    private const string Registration = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Identity.UI.Services;

        public class Registration
        {
            private readonly IEmailSender _email;
            public Registration(IEmailSender email) { _email = email; }

            public async Task RegisterAsync(Npgsql.NpgsqlConnection conn, string address)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await MARK;
                await tx.CommitAsync();
                await _email.SendEmailAsync(address, "Welcome", "<p>Hi</p>");
            }
        }

        """;

    private const string Call = "_email.SendEmailAsync(address, \"Confirm\", \"<a href='#'>confirm</a>\")";

    private const string NoOpSender = """

        // The template's sender: nothing is sent until the project wires a real one.
        public sealed class EmailSender : IEmailSender
        {
            public Task SendEmailAsync(string email, string subject, string htmlMessage) => Task.CompletedTask;
        }
        """;

    private const string LoggingSender = """

        public sealed class LoggingEmailSender : IEmailSender
        {
            private readonly Microsoft.Extensions.Logging.ILogger<LoggingEmailSender> _log;
            public LoggingEmailSender(Microsoft.Extensions.Logging.ILogger<LoggingEmailSender> log) { _log = log; }

            public Task SendEmailAsync(string email, string subject, string htmlMessage)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(_log, "Mail to {Email}: {Subject}", email, subject);
                return Task.CompletedTask;
            }
        }
        """;

    private const string SmtpSender = """

        public sealed class SmtpEmailSender : IEmailSender
        {
            public async Task SendEmailAsync(string email, string subject, string htmlMessage)
            {
                using var smtp = new System.Net.Mail.SmtpClient("smtp.example.org");
                await smtp.SendMailAsync(new System.Net.Mail.MailMessage("noreply@example.org", email, subject, htmlMessage) { IsBodyHtml = true });
            }
        }
        """;

    private static async Task VerifyIdentityAsync(string source, params DiagnosticResult[] expected)
    {
        var test = Verify.CreateTest(source);
        test.TestState.AdditionalReferences.AddRange(IdentityReferences);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task IEmailSender_implemented_in_another_project_is_still_reported() =>
        VerifyIdentityAsync(Registration.Replace("MARK", "{|#0:" + Call + "|}"), Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task IEmailSender_whose_only_implementation_is_the_no_op_template_sender_is_not_reported() =>
        VerifyIdentityAsync(Registration.Replace("MARK", Call) + NoOpSender);

    [Fact]
    public Task IEmailSender_whose_implementations_only_log_or_do_nothing_is_not_reported() =>
        VerifyIdentityAsync(Registration.Replace("MARK", Call) + NoOpSender + LoggingSender);

    [Fact]
    public async Task IEmailSender_with_one_implementation_that_sends_is_reported_with_the_chain()
    {
        var source = Registration.Replace("MARK", "{|#0:" + Call + "|}") + SmtpSender;
        await VerifyIdentityAsync(source, Verify.Diagnostic("JS0002", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(source) }, IdentityReferences));
        Assert.StartsWith("'SmtpEmailSender.SendEmailAsync' → 'SmtpClient.SendMailAsync' sends an e-mail while", message);
    }

    [Fact]
    public async Task IEmailSender_with_several_implementations_one_of_which_sends_is_reported_as_the_interface_call()
    {
        var source = Registration.Replace("MARK", "{|#0:" + Call + "|}") + NoOpSender + SmtpSender;
        await VerifyIdentityAsync(source, Verify.Diagnostic("JS0002", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(source) }, IdentityReferences));
        Assert.StartsWith("'IEmailSender.SendEmailAsync' sends an e-mail while", message);
    }

    [Fact]
    public async Task IEmailSender_whose_one_implementation_enqueues_a_mail_job_is_reported_as_the_e_mail_it_sends()
    {
        var source = Registration.Replace("MARK", "{|#0:" + Call + "|}") + """

            public sealed class QueuedEmailSender : IEmailSender
            {
                private readonly Hangfire.IBackgroundJobClient _jobs;
                public QueuedEmailSender(Hangfire.IBackgroundJobClient jobs) { _jobs = jobs; }

                public Task SendEmailAsync(string email, string subject, string htmlMessage)
                {
                    Hangfire.BackgroundJobClientExtensions.Enqueue<MailJob>(_jobs, j => j.Send(email, subject, htmlMessage));
                    return Task.CompletedTask;
                }
            }

            public sealed class MailJob { public void Send(string to, string subject, string body) { } }
            """;
        await VerifyIdentityAsync(source, Verify.Diagnostic("JS0002", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(source) }, IdentityReferences));
        Assert.StartsWith("'IEmailSender.SendEmailAsync' sends an e-mail while", message);
    }

    private const string MailApiSender = """

        // Sends through the mail provider's HTTP API.
        public sealed class MailApiEmailSender : IEmailSender
        {
            private readonly System.Net.Http.HttpClient _http;
            public MailApiEmailSender(System.Net.Http.HttpClient http) { _http = http; }

            public async Task SendEmailAsync(string email, string subject, string htmlMessage)
            {
                using var body = new System.Net.Http.StringContent(subject + htmlMessage);
                (await _http.PostAsync("https://mail.example.org/v3/messages", body)).EnsureSuccessStatusCode();
            }
        }
        """;

    [Fact]
    public async Task IEmailSender_whose_one_implementation_sends_through_an_HTTP_mail_API_is_reported_as_an_e_mail()
    {
        var source = Registration.Replace("MARK", "{|#0:" + Call + "|}") + MailApiSender;
        await VerifyIdentityAsync(source, Verify.Diagnostic("JS0002", 0));
        var message = Assert.Single(await MessagesAsync(new[] { Strip(source) }, IdentityReferences));
        Assert.StartsWith("'IEmailSender.SendEmailAsync' sends an e-mail while", message);
    }

    [Fact]
    public Task IEmailSender_with_a_no_op_and_an_HTTP_mail_API_implementation_is_reported() => VerifyIdentityAsync(
        Registration.Replace("MARK", "{|#0:" + Call + "|}") + NoOpSender + MailApiSender, Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task IEmailSender_whose_only_implementation_decorates_an_inner_sender_is_reported() => VerifyIdentityAsync(
        Registration.Replace("MARK", "{|#0:" + Call + "|}") + """

        // Wraps the sender registered by another project: what the inner one does is unknown.
        public sealed class AuditedEmailSender : IEmailSender
        {
            private readonly IEmailSender _inner;
            public AuditedEmailSender(IEmailSender inner) { _inner = inner; }
            public Task SendEmailAsync(string email, string subject, string htmlMessage) => _inner.SendEmailAsync(email, subject, htmlMessage);
        }
        """, Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task IEmailSender_reached_through_a_service_follows_the_implementations() => VerifyIdentityAsync("""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Identity.UI.Services;

        public sealed class Welcomer
        {
            private readonly IEmailSender _email;
            public Welcomer(IEmailSender email) { _email = email; }
            public Task WelcomeAsync(string address) => _email.SendEmailAsync(address, "Welcome", "<p>Hi</p>");
        }

        public class Members
        {
            public async Task JoinAsync(System.Data.Common.DbConnection conn, Welcomer welcomer)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await welcomer.WelcomeAsync("a@example.org");
                await tx.CommitAsync();
            }
        }
        """ + NoOpSender);

    [Fact]
    public Task IEmailSender_reached_through_a_service_with_a_sending_implementation_is_reported() => VerifyIdentityAsync("""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Identity.UI.Services;

        public sealed class Welcomer
        {
            private readonly IEmailSender _email;
            public Welcomer(IEmailSender email) { _email = email; }
            public Task WelcomeAsync(string address) => _email.SendEmailAsync(address, "Welcome", "<p>Hi</p>");
        }

        public class Members
        {
            public async Task JoinAsync(System.Data.Common.DbConnection conn, Welcomer welcomer)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:welcomer.WelcomeAsync("a@example.org")|};
                await tx.CommitAsync();
            }
        }
        """ + SmtpSender, Verify.Diagnostic("JS0002", 0));

    private const string GenericRegistration = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Identity;

        public class AppUser { public string Email { get; set; } = ""; }

        public class Accounts
        {
            public async Task ResetAsync(System.Data.Common.DbConnection conn, IEmailSender<AppUser> email, AppUser user)
            {
                using var tx = conn.BeginTransaction();
                await MARK;
                tx.Commit();
            }
        }

        """;

    private const string GenericCall = "email.SendPasswordResetLinkAsync(user, user.Email, \"https://example.org/reset\")";

    [Fact]
    public Task Generic_IEmailSender_without_implementation_in_the_project_is_reported() =>
        VerifyIdentityAsync(GenericRegistration.Replace("MARK", "{|#0:" + GenericCall + "|}"), Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task Generic_IEmailSender_with_a_no_op_implementation_is_not_reported() => VerifyIdentityAsync(GenericRegistration.Replace("MARK", GenericCall) + """

        public sealed class NoEmail : IEmailSender<AppUser>
        {
            public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) => Task.CompletedTask;
            public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) => Task.CompletedTask;
            public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task Generic_IEmailSender_with_a_sending_implementation_is_reported() => VerifyIdentityAsync(GenericRegistration.Replace("MARK", "{|#0:" + GenericCall + "|}") + """

        public sealed class MailKitEmail : IEmailSender<AppUser>
        {
            public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) => SendAsync(email, confirmationLink);
            public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) => SendAsync(email, resetLink);
            public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) => SendAsync(email, resetCode);

            private static async Task SendAsync(string to, string body)
            {
                var message = new MimeKit.MimeMessage();
                message.To.Add(MimeKit.MailboxAddress.Parse(to));
                message.Body = new MimeKit.TextPart("plain") { Text = body };
                using var smtp = new MailKit.Net.Smtp.SmtpClient();
                await smtp.SendAsync(message);
            }
        }
        """, Verify.Diagnostic("JS0002", 0));

    // ---------------------------------------------------------------- helpers

    private static string Strip(string source) => SideEffectCatalogTests.Strip(source);

    /// <summary>The messages the analyzer reports on these sources (compiled against the test references).</summary>
    private static async Task<ImmutableArray<string>> MessagesAsync(string[] sources, MetadataReference[]? extra = null)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: i == 0 ? "/0/Test0.cs" : $"/0/Generated/File{i}.g.cs"));
        var compilation = CSharpCompilation.Create(
            "Messages",
            trees,
            Infrastructure.TestReferences.All.AddRange(extra ?? Array.Empty<MetadataReference>()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Empty(errors);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SideEffectInTransactionAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.Select(d => d.GetMessage()).ToImmutableArray();
    }
}
