using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Integration tests that roll back a TransactionScope (TransactionScopeAsyncFlowOption.Enabled) around requests sent through
/// ASP.NET Core's in-process test host: a client from <c>WebApplicationFactory&lt;T&gt;.CreateClient()</c>/<c>CreateDefaultClient()</c>
/// or <c>TestServer.CreateClient()</c>/<c>CreateHandler()</c> reaches the application in the same process, so its requests are
/// not side effects (JS0003). Clients from anywhere else (new HttpClient(), IHttpClientFactory, a parameter, a property
/// nobody assigns) are still reported. The test-host assemblies are stand-ins with the real assembly, namespace, type and
/// method names (the real packages need the ASP.NET Core shared framework's reference assemblies).
/// </summary>
public class TestHostClientTests
{
    private const string TestHostLibrary = """
        using System;
        using System.Net.Http;

        namespace Microsoft.Extensions.Hosting
        {
            public interface IHost : IDisposable { }
        }

        namespace Microsoft.AspNetCore.TestHost
        {
            public class TestServer : IDisposable
            {
                public Uri BaseAddress { get; set; } = new Uri("http://localhost/");
                public HttpClient CreateClient() => new HttpClient();
                public HttpMessageHandler CreateHandler() => new HttpClientHandler();
                public void Dispose() { }
            }

            public static class HostBuilderTestServerExtensions
            {
                public static TestServer GetTestServer(this Microsoft.Extensions.Hosting.IHost host) => new TestServer();
                public static HttpClient GetTestClient(this Microsoft.Extensions.Hosting.IHost host) => new HttpClient();
            }
        }
        """;

    private const string MvcTestingLibrary = """
        using System;
        using System.Net.Http;
        using Microsoft.AspNetCore.TestHost;

        namespace Microsoft.AspNetCore.Mvc.Testing
        {
            public class WebApplicationFactoryClientOptions
            {
                public bool AllowAutoRedirect { get; set; }
            }

            public class WebApplicationFactory<TEntryPoint> : IDisposable where TEntryPoint : class
            {
                public TestServer Server { get; } = new TestServer();
                public HttpClient CreateClient() => new HttpClient();
                public HttpClient CreateClient(WebApplicationFactoryClientOptions options) => new HttpClient();
                public HttpClient CreateDefaultClient(params DelegatingHandler[] handlers) => new HttpClient();
                public HttpClient CreateDefaultClient(Uri baseAddress, params DelegatingHandler[] handlers) => new HttpClient();
                public WebApplicationFactory<TEntryPoint> WithWebHostBuilder(Action<object> configuration) => this;
                public virtual void Dispose() { }
            }
        }
        """;

    private static readonly ConcurrentDictionary<string, MetadataReference> Compiled = new();

    private static MetadataReference TestHost => Compiled.GetOrAdd("Microsoft.AspNetCore.TestHost", name => Compile(name, TestHostLibrary));

    private static MetadataReference MvcTesting => Compiled.GetOrAdd("Microsoft.AspNetCore.Mvc.Testing", name => Compile(name, MvcTestingLibrary, TestHost));

    private const string Shared = """
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.AspNetCore.Mvc.Testing;
        using Microsoft.AspNetCore.TestHost;

        public class Program { }
        public interface IFixtureOf<T> { }
        public interface ILifetime { Task InitializeAsync(); }
        public record NewOrder(string Sku, int Quantity);

        public static class Rollback
        {
            public static TransactionScope Scope() => new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled);
        }

        """;

    [Fact]
    public async Task A_local_client_from_the_factory_is_in_process_and_a_new_HttpClient_is_not()
    {
        const string source = Shared + """
            public class OrdersEndpointTests : IFixtureOf<WebApplicationFactory<Program>>
            {
                private readonly WebApplicationFactory<Program> _factory;

                public OrdersEndpointTests(WebApplicationFactory<Program> factory) => _factory = factory;

                public async Task Posting_an_order_stores_it()
                {
                    using var scope = new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled);
                    var client = _factory.CreateClient();
                    var response = await client.PostAsJsonAsync("/orders", new NewOrder("A-1", 2));
                    response.EnsureSuccessStatusCode();
                    var listed = await client.GetFromJsonAsync<NewOrder[]>("/orders");
                }

                public async Task Posting_then_switching_to_a_real_client(bool live)
                {
                    using var scope = Rollback.Scope();
                    HttpClient client;
                    client = _factory.CreateClient();
                    if (live)
                    {
                        client = new HttpClient();
                    }

                    await {|#1:client.GetAsync("/orders")|};
                }

                public async Task Posting_to_the_real_service()
                {
                    using var scope = new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled);
                    var client = new HttpClient { BaseAddress = new Uri("https://orders.example") };
                    await {|#0:client.PostAsJsonAsync("/orders", new NewOrder("A-1", 2))|};
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));
    }

    [Fact]
    public async Task A_field_assigned_in_the_constructor_from_the_factory_is_in_process_and_one_from_a_parameter_is_not()
    {
        const string source = Shared + """
            public class InvoiceTests : IFixtureOf<WebApplicationFactory<Program>>
            {
                private readonly HttpClient _client;

                public InvoiceTests(WebApplicationFactory<Program> factory)
                {
                    _client = factory.WithWebHostBuilder(builder => { }).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
                }

                public async Task Issuing_an_invoice()
                {
                    using (Rollback.Scope())
                    {
                        await _client.PostAsync("/invoices", null);
                        await this._client.DeleteAsync("/invoices/1");
                    }
                }
            }

            public class PaymentGatewayClient
            {
                private readonly HttpClient _client;

                public PaymentGatewayClient(HttpClient client) => _client = client;

                public async Task Capture()
                {
                    using (Rollback.Scope())
                    {
                        await {|#0:_client.PostAsync("/captures", null)|};
                    }
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task A_base_class_property_and_a_fixture_property_set_in_InitializeAsync_are_in_process_and_an_unassigned_property_is_not()
    {
        const string source = Shared + """
            public class ApiFactory : WebApplicationFactory<Program> { }

            public abstract class IntegrationTestBase
            {
                protected IntegrationTestBase(ApiFactory factory)
                {
                    Client = factory.CreateDefaultClient(new Uri("http://localhost/api/"));
                }

                protected HttpClient Client { get; }
            }

            public class ApiFixture : ILifetime
            {
                public ApiFactory Factory { get; } = new ApiFactory();
                public HttpClient Client { get; private set; } = null!;
                public HttpClient External { get; set; } = null!;

                public Task InitializeAsync()
                {
                    Client = Factory.CreateClient();
                    return Task.CompletedTask;
                }
            }

            public class CustomerTests : IntegrationTestBase
            {
                public CustomerTests(ApiFactory factory) : base(factory) { }

                public async Task Renaming_a_customer()
                {
                    using var scope = Rollback.Scope();
                    await Client.PutAsJsonAsync("/customers/1", new { Name = "Ada" });
                }
            }

            public class StockTests : IFixtureOf<ApiFixture>
            {
                private readonly ApiFixture _fixture;

                public StockTests(ApiFixture fixture) => _fixture = fixture;

                public async Task Reserving_stock()
                {
                    using var scope = Rollback.Scope();
                    await _fixture.Client.PostAsync("/stock/reserve", null);
                    await {|#0:_fixture.External.PostAsync("/stock/reserve", null)|};
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task Test_server_clients_and_handlers_are_in_process_and_a_field_also_assigned_a_real_client_is_not()
    {
        const string source = Shared + """
            public class ShippingTests
            {
                private readonly TestServer _server = new TestServer();
                private readonly HttpClient _viaHandler;
                private HttpClient _mixed;
                private HttpClient Lazy => _server.CreateClient();

                public ShippingTests(WebApplicationFactory<Program> factory, bool live)
                {
                    _viaHandler = new HttpClient(factory.Server.CreateHandler()) { BaseAddress = new Uri("http://localhost/") };
                    _mixed = factory.CreateClient();
                    if (live)
                    {
                        _mixed = new HttpClient();
                    }
                }

                public async Task Shipping_a_parcel(WebApplicationFactory<Program> factory)
                {
                    using var scope = Rollback.Scope();
                    using var client = factory.Server.CreateClient();
                    await client.PostAsync("/parcels", null);
                    await _viaHandler.PostAsync("/parcels", null);
                    await Lazy.GetAsync("/parcels");
                    await {|#0:_mixed.PostAsync("/parcels", null)|};
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task A_helper_posting_through_the_test_client_is_in_process_and_one_posting_through_a_factory_client_is_not()
    {
        const string source = Shared + """
            public interface IHttpClientFactoryLike { HttpClient CreateClient(string name); }

            public class CheckoutTests
            {
                private readonly HttpClient _client;
                private readonly HttpClient _partner;

                public CheckoutTests(WebApplicationFactory<Program> factory, IHttpClientFactoryLike clients)
                {
                    _client = factory.CreateClient();
                    _partner = clients.CreateClient("partner");
                }

                private Task<HttpResponseMessage> Checkout(int cart) => _client.PostAsJsonAsync("/checkout", cart);

                private Task<HttpResponseMessage> NotifyPartner(int cart) => _partner.PostAsJsonAsync("/carts", cart);

                public async Task Checking_out()
                {
                    using var scope = Rollback.Scope();
                    await Checkout(1);
                    await {|#0:NotifyPartner(1)|};
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task Without_the_test_host_assemblies_a_project_type_named_like_the_factory_is_not_trusted()
    {
        const string source = """
            using System.Net.Http;
            using System.Threading.Tasks;
            using System.Transactions;

            namespace Microsoft.AspNetCore.Mvc.Testing
            {
                public class WebApplicationFactory<TEntryPoint> where TEntryPoint : class
                {
                    public HttpClient CreateClient() => new HttpClient();
                }
            }

            public class Program { }

            public class Sync
            {
                public async Task Push(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
                {
                    using var scope = new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled);
                    var client = factory.CreateClient();
                    await {|#0:client.PostAsync("/sync", null)|};
                }
            }
            """;

        await Verify.VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task Inside_a_database_transaction_a_host_test_client_is_in_process_and_a_parameter_client_is_not()
    {
        const string source = Shared + """
            public class LedgerTests
            {
                public async Task Posting_an_entry(Microsoft.Extensions.Hosting.IHost host, Npgsql.NpgsqlConnection connection, HttpClient given)
                {
                    await using var tx = await connection.BeginTransactionAsync();
                    var client = host.GetTestClient();
                    await client.PostAsync("/ledger", null);
                    await {|#0:given.PostAsync("/ledger", null)|};
                    await tx.RollbackAsync();
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0));
    }

    [Fact]
    public async Task A_project_helper_handing_out_a_test_client_is_in_process_and_one_that_may_hand_out_a_real_client_is_not()
    {
        const string source = Shared + """
            public interface IHttpClientFactory { HttpClient CreateClient(string name); }

            public abstract class AuthenticatedApiTest
            {
                private readonly WebApplicationFactory<Program> _factory;
                private readonly IHttpClientFactory _clients;

                protected AuthenticatedApiTest(WebApplicationFactory<Program> factory, IHttpClientFactory clients)
                {
                    _factory = factory;
                    _clients = clients;
                }

                protected WebApplicationFactory<Program> Factory => _factory;

                protected HttpClient CreateAuthenticatedClient(string token = "t0k3n")
                {
                    var client = _factory.CreateClient();
                    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                    return client;
                }

                protected async Task<HttpClient> CreateClientAsync()
                {
                    await Task.Yield();
                    return CreateAuthenticatedClient("async");
                }

                protected HttpClient Client() => Factory.CreateClient();

                protected HttpClient AdminClient() => CreateAuthenticatedClient("admin");

                protected HttpClient ClientFor(bool live)
                {
                    if (live)
                    {
                        return new HttpClient { BaseAddress = new Uri("https://api.example") };
                    }

                    return _factory.CreateClient();
                }

                protected HttpClient PartnerClient() => _clients.CreateClient("partner");

                protected abstract HttpClient TenantClient();
            }

            public class BasketTests : AuthenticatedApiTest
            {
                public BasketTests(WebApplicationFactory<Program> factory, IHttpClientFactory clients) : base(factory, clients) { }

                protected override HttpClient TenantClient() => Client();

                public async Task Adding_an_item()
                {
                    using var scope = Rollback.Scope();
                    var client = CreateAuthenticatedClient();
                    await client.PostAsJsonAsync("/basket", new NewOrder("A-1", 1));
                    var viaTask = await CreateClientAsync();
                    await viaTask.PostAsync("/basket", null);
                    using var configured = await CreateClientAsync().ConfigureAwait(false);
                    await configured.DeleteAsync("/basket/1");
                    await Client().PutAsJsonAsync("/basket/1", new NewOrder("A-1", 3));
                    await AdminClient().DeleteAsync("/basket");
                }

                public async Task Adding_an_item_elsewhere(bool live)
                {
                    using var scope = Rollback.Scope();
                    var mixed = ClientFor(live);
                    await {|#0:mixed.PostAsync("/basket", null)|};
                    await {|#1:PartnerClient().PostAsync("/baskets", null)|};
                    await TenantClient().PostAsync("/basket", null);
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));
    }

    [Fact]
    public async Task A_static_extension_helper_is_in_process_and_an_overridden_virtual_helper_is_not()
    {
        const string source = Shared + """
            public static class FactoryExtensions
            {
                public static HttpClient CreateSignedInClient(this WebApplicationFactory<Program> factory)
                {
                    var client = factory.CreateDefaultClient();
                    client.DefaultRequestHeaders.Add("X-User", "ada");
                    return client;
                }

                public static async ValueTask<HttpClient> CreateSeededClientAsync(this WebApplicationFactory<Program> factory)
                {
                    await Task.Delay(1);
                    return factory.CreateSignedInClient();
                }
            }

            public class TestBase
            {
                protected readonly WebApplicationFactory<Program> Factory = new WebApplicationFactory<Program>();

                protected virtual HttpClient CreateClient() => Factory.CreateClient();

                protected virtual HttpClient CreateLocalClient() => Factory.CreateClient();

                public async Task Checking_health()
                {
                    using var scope = Rollback.Scope();
                    await CreateLocalClient().GetAsync("/health");
                    await {|#1:CreateClient().GetAsync("/health")|};
                }
            }

            public class LiveSmokeTests : TestBase
            {
                protected override HttpClient CreateClient() => new HttpClient { BaseAddress = new Uri("https://staging.example") };

                public async Task Refunding(WebApplicationFactory<Program> factory)
                {
                    using var scope = Rollback.Scope();
                    var signedIn = factory.CreateSignedInClient();
                    await signedIn.PostAsync("/refunds", null);
                    var seeded = await factory.CreateSeededClientAsync();
                    await seeded.PostAsync("/refunds", null);
                    await CreateLocalClient().PostAsync("/refunds", null);
                    await {|#0:CreateClient().PostAsync("/refunds", null)|};
                }
            }
            """;

        await VerifyAsync(source, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));
    }

    [Fact]
    public async Task A_recursive_helper_is_judged_by_its_other_returns_and_a_deep_chain_of_helpers_is_not_followed()
    {
        const string source = Shared + """
            public class RetryTests
            {
                private readonly WebApplicationFactory<Program> _factory = new WebApplicationFactory<Program>();

                private HttpClient Pooled(int attempt)
                {
                    if (attempt > 0)
                    {
                        return Pooled(attempt - 1);
                    }

                    return _factory.CreateClient();
                }

                private HttpClient Ping(bool live) => live ? new HttpClient() : Pong(live);

                private HttpClient Pong(bool live)
                {
                    if (live)
                    {
                        return Ping(live);
                    }

                    return new HttpClient();
                }

                private HttpClient First() => Second();
                private HttpClient Second() => Third();
                private HttpClient Third() => Fourth();
                private HttpClient Fourth() => Fifth();
                private HttpClient Fifth() => _factory.CreateClient();

                private HttpClient HalfTyped() => _factory.;

                public async Task Retrying()
                {
                    using var scope = Rollback.Scope();
                    await Pooled(3).PostAsync("/retry", null);
                    await {|#0:Pong(false).PostAsync("/retry", null)|};
                    await {|#1:First().PostAsync("/retry", null)|};
                    await {|#2:HalfTyped().PostAsync("/retry", null)|};
                }
            }
            """;

        await VerifyAsync(
            source,
            Verify.Diagnostic("JS0003", 0),
            Verify.Diagnostic("JS0003", 1),
            Verify.Diagnostic("JS0003", 2),
            DiagnosticResult.CompilerError("CS1001").WithSpan(50, 48, 50, 49));
    }

    private static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = Verify.CreateTest(source);
        test.TestState.AdditionalReferences.Add(TestHost);
        test.TestState.AdditionalReferences.Add(MvcTesting);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    private static MetadataReference Compile(string assemblyName, string source, params MetadataReference[] references)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            Infrastructure.TestReferences.All.AddRange(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Stand-in library does not compile: " + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
