using System.Collections.Immutable;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.SideEffects;

/// <summary>
/// Catalog additions against the real assemblies, part 2: Stripe.net services and client (JS0003, by Stripe's
/// <c>Stripe.Service</c> base type), and object storage (AWSSDK.S3, Azure.Storage.Blobs), which is not built in but
/// declared with the option lines documented in docs/rules/JS0004.md (JS0004).
/// </summary>
public class CatalogAdditionsTests2
{
    // ---------------------------------------------------------------- Stripe.net

    [Fact]
    public Task Stripe_service_calls_inside_a_transaction_are_reported_options_and_calls_after_commit_are_not() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Stripe;

        public class Checkout
        {
            private readonly PaymentIntentService _intents;
            private readonly CustomerService _customers;
            private readonly RefundService _refunds;
            private readonly ChargeService _charges;

            public Checkout(PaymentIntentService intents, CustomerService customers, RefundService refunds, ChargeService charges)
            {
                _intents = intents; _customers = customers; _refunds = refunds; _charges = charges;
            }

            public async Task PlaceAsync(System.Data.Common.DbConnection conn, string customerId, long amount)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var create = new PaymentIntentCreateOptions { Amount = amount, Currency = "eur", Customer = customerId };
                create.AddExpand("customer");
                var request = new RequestOptions { IdempotencyKey = "order-1" };
                var customer = await {|#0:_customers.GetAsync(customerId)|};
                var intent = await {|#1:_intents.CreateAsync(create, request)|};
                await {|#2:_intents.ConfirmAsync(intent.Id)|};
                {|#3:_refunds.Create(new RefundCreateOptions { PaymentIntent = intent.Id })|};
                await tx.CommitAsync();
                await _charges.CreateAsync(new ChargeCreateOptions { Amount = amount, Currency = "eur", Customer = customer.Id });
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1), Verify.Diagnostic("JS0003", 2), Verify.Diagnostic("JS0003", 3));

    [Fact]
    public async Task Stripe_message_names_the_service_method()
    {
        var messages = await MessagesAsync("""
            using System.Threading.Tasks;
            using Stripe;

            public class Billing
            {
                public async Task Charge(System.Data.Common.DbConnection conn, PaymentIntentService intents)
                {
                    using var tx = conn.BeginTransaction();
                    await intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "usd" });
                    tx.Commit();
                }
            }
            """);
        var message = Assert.Single(messages);
        Assert.StartsWith("'PaymentIntentService.CreateAsync' makes an HTTP request while the transaction", message);
    }

    [Fact]
    public Task Stripe_client_requests_and_service_accessors_are_reported_webhook_parsing_and_authorize_url_are_not() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Stripe;

        public class StripeSync
        {
            public async Task Sync(Npgsql.NpgsqlConnection conn, IStripeClient client, StripeClient concrete, OAuthTokenService oauth, string json, string signature)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var evt = EventUtility.ConstructEvent(json, signature, "whsec_test");
                var url = oauth.AuthorizeUrl(new OAuthAuthorizeUrlOptions { ClientId = "ca_1" });
                var balance = await {|#0:client.RequestAsync<Balance>(HttpMethod.Get, "/v1/balance", null, null)|};
                var customer = await {|#1:concrete.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.org" })|};
                await {|#2:oauth.DeauthorizeAsync(new OAuthDeauthorizeOptions { StripeUserId = "acct_1" })|};
                await tx.CommitAsync();
            }
        }
        """,
        Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1), Verify.Diagnostic("JS0003", 2));

    [Fact]
    public Task Stripe_auto_paging_enumerables_are_reported_at_the_call() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Stripe;

        public class InvoiceImport
        {
            public async Task Import(System.Data.Common.DbConnection conn, InvoiceService invoices, CustomerService customers)
            {
                using var tx = conn.BeginTransaction();
                foreach (var invoice in {|#0:invoices.ListAutoPaging(new InvoiceListOptions { Limit = 100 })|})
                {
                    Save(conn, tx, invoice.Id);
                }

                await foreach (var customer in {|#1:customers.ListAutoPagingAsync()|})
                {
                    Save(conn, tx, customer.Id);
                }

                tx.Commit();
            }

            private static void Save(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, string id) { }
        }
        """,
        Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));

    [Fact]
    public Task A_project_class_merely_named_ChargeService_is_not_Stripe() => Verify.VerifyAsync("""
        using System.Threading.Tasks;

        namespace Shop.Billing
        {
            public class ChargeCreateOptions { public long Amount { get; set; } }

            public class ChargeService
            {
                public Task<int> CreateAsync(ChargeCreateOptions options) => Task.FromResult(1);
                public int Create(ChargeCreateOptions options) => 1;
            }

            public class Orders
            {
                public async Task Place(System.Data.Common.DbConnection conn, ChargeService charges)
                {
                    using var tx = conn.BeginTransaction();
                    await charges.CreateAsync(new ChargeCreateOptions { Amount = 10 });
                    charges.Create(new ChargeCreateOptions { Amount = 10 });
                    tx.Commit();
                }
            }
        }
        """);

    [Fact]
    public async Task Stripe_call_through_a_project_gateway_is_reported_at_the_call_with_the_chain()
    {
        var messages = await MessagesAsync("""
            using System.Threading.Tasks;
            using Stripe;

            public class PaymentGateway
            {
                private readonly RefundService _refunds = new RefundService();
                public Task<Refund> RefundAsync(string paymentIntentId) =>
                    _refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId });
            }

            public class Cancellations
            {
                public async Task Cancel(System.Data.Common.DbConnection conn, PaymentGateway gateway, string intentId)
                {
                    using var tx = conn.BeginTransaction();
                    await gateway.RefundAsync(intentId);
                    tx.Commit();
                    await gateway.RefundAsync(intentId);
                }
            }
            """);
        var message = Assert.Single(messages);
        Assert.StartsWith("'PaymentGateway.RefundAsync' → 'RefundService.CreateAsync' makes an HTTP request", message);
    }

    // ---------------------------------------------------------------- Object storage: declared, not built in

    [Fact]
    public Task S3_writes_are_not_reported_without_the_option() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Amazon.S3;
        using Amazon.S3.Model;

        public class Attachments
        {
            public async Task Attach(System.Data.Common.DbConnection conn, IAmazonS3 s3, System.IO.Stream file)
            {
                using var tx = conn.BeginTransaction();
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "files", Key = "a/1", InputStream = file });
                await s3.DeleteObjectAsync("files", "a/0");
                tx.Commit();
            }
        }
        """);

    [Fact]
    public Task The_documented_S3_option_line_reports_put_and_delete_not_reads()
    {
        var line = DocumentedOptionLine("Amazon.S3");
        return Verify.VerifyAsync("""
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            public class Attachments
            {
                public async Task Attach(System.Data.Common.DbConnection conn, IAmazonS3 s3, AmazonS3Client client, System.IO.Stream file)
                {
                    using var tx = conn.BeginTransaction();
                    var old = await s3.GetObjectAsync("files", "a/0");
                    await s3.GetObjectMetadataAsync("files", "a/0");
                    await {|#0:s3.PutObjectAsync(new PutObjectRequest { BucketName = "files", Key = "a/1", InputStream = file })|};
                    await {|#1:client.PutObjectAsync(new PutObjectRequest { BucketName = "files", Key = "a/2", InputStream = file })|};
                    await {|#2:s3.DeleteObjectAsync("files", "a/0")|};
                    await {|#3:s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = "files", SourceKey = "a/1", DestinationBucket = "archive", DestinationKey = "a/1" })|};
                    tx.Commit();
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = "files", Key = "a/3", InputStream = file });
                }
            }
            """, line + "\n",
            Verify.Diagnostic("JS0004", 0), Verify.Diagnostic("JS0004", 1), Verify.Diagnostic("JS0004", 2), Verify.Diagnostic("JS0004", 3));
    }

    [Fact]
    public async Task The_documented_Azure_Blob_option_line_reports_uploads_and_deletes_not_downloads()
    {
        var test = Verify.CreateTest("""
            using System.Threading.Tasks;
            using Azure.Storage.Blobs;

            public class Avatars
            {
                public async Task Replace(System.Data.Common.DbConnection conn, BlobContainerClient container, System.IO.Stream image)
                {
                    using var tx = conn.BeginTransaction();
                    var blob = container.GetBlobClient("avatars/1.png");
                    var previous = await blob.DownloadContentAsync();
                    var exists = await blob.ExistsAsync();
                    await {|#0:blob.UploadAsync(image, overwrite: true)|};
                    await {|#1:container.UploadBlobAsync("avatars/2.png", image)|};
                    await {|#2:blob.DeleteIfExistsAsync()|};
                    tx.Commit();
                    await blob.UploadAsync(image, overwrite: true);
                }
            }
            """, DocumentedOptionLine("Azure.Storage.Blobs") + "\n");
        test.TestState.AdditionalReferences.AddRange(AzureBlobReferences);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0004", 0));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0004", 1));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0004", 2));
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("Amazon.S3")]
    [InlineData("Azure.Storage.Blobs")]
    public void Every_documented_storage_id_names_a_method_of_the_real_assembly(string library)
    {
        var compilation = CSharpCompilation.Create("Ids", Array.Empty<SyntaxTree>(), Infrastructure.TestReferences.All.AddRange(AzureBlobReferences));
        var value = DocumentedOptionLine(library).Split('=', 2)[1];
        var ids = SplitTopLevel(value);
        Assert.NotEmpty(ids);
        foreach (var item in ids)
        {
            Assert.StartsWith("other:M:", item);
            var id = item.Substring("other:".Length);
            Assert.True(DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation).Length > 0, id + " names nothing");
        }
    }

    /// <summary>Splits an option value at the commas and spaces outside parentheses, as the analyzer reads it.</summary>
    private static List<string> SplitTopLevel(string value)
    {
        var items = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in value)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0 && (c == ',' || char.IsWhiteSpace(c)))
            {
                if (current.Length > 0)
                {
                    items.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            items.Add(current.ToString());
        }

        return items;
    }

    private static readonly MetadataReference[] AzureBlobReferences =
        new[] { "Azure.Storage.Blobs", "Azure.Storage.Common", "Azure.Core", "System.ClientModel", "System.Memory.Data" }
            .Select(name => (MetadataReference)MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, name + ".dll")))
            .ToArray();

    /// <summary>The <c>jobsafety.additional_side_effects</c> line of docs/rules/JS0004.md that names <paramref name="library"/>'s types.</summary>
    private static string DocumentedOptionLine(string library)
    {
        var page = File.ReadAllLines(Path.Combine(Rules.RuleDocumentationTests.RepositoryRoot(), "docs", "rules", "JS0004.md"));
        return Assert.Single(page, l => l.StartsWith("jobsafety.additional_side_effects = ", StringComparison.Ordinal) && l.Contains(":M:" + library + ".", StringComparison.Ordinal));
    }

    private static async Task<ImmutableArray<string>> MessagesAsync(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(SideEffectCatalogTests.Strip(source), new CSharpParseOptions(LanguageVersion.Latest), path: "/0/Test0.cs");
        var compilation = CSharpCompilation.Create(
            "Messages",
            new[] { tree },
            Infrastructure.TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SideEffectInTransactionAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.Select(d => d.GetMessage()).ToImmutableArray();
    }
}
