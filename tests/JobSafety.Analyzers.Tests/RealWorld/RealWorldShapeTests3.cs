using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using JobSafety.Analyzers.Tests.Infrastructure;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Third batch of minimal reproductions (own names, own code) of real-world shapes mixing database
/// transactions with side effects, from a precision/recall review. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests3
{
    // Post-commit registers: lambdas put into a library collection (collection initializer, ICollection.Add,
    // Queue.Enqueue, Dictionary.Add) are stored, not run: the library cannot call a T. They run when the
    // method invokes them, here after the commit.
    private const string PostCommitRegister = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MassTransit;
        using Npgsql;

        public class AfterCommitRegister { public ICollection<Func<Task>> Handlers { get; } = new List<Func<Task>>(); }

        public class InvoiceService
        {
            private readonly Queue<Func<Task>> _pending = new();
            private readonly Dictionary<string, Func<Task>> _byName = new();

            public async Task Issue(NpgsqlConnection conn, IPublishEndpoint bus, AfterCommitRegister register, int id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var callbacks = new List<Func<Task>> { () => bus.Publish(new { Issued = id }) };
                register.Handlers.Add(() => bus.Publish(new { Registered = id }));
                _pending.Enqueue(async () => await bus.Publish(new { Pending = id }));
                _byName.Add("audit", () => bus.Publish(new { Audit = id }));
                INSIDE
                await tx.CommitAsync();
                foreach (var callback in callbacks) await callback();
            }
        }
        """;

    [Fact]
    public Task Lambdas_stored_in_collections_inside_the_region_are_not_reported() => Verify.VerifyAsync(
        PostCommitRegister.Replace("INSIDE", ""));

    [Fact]
    public Task Direct_publish_next_to_stored_lambdas_is_reported() => Verify.VerifyAsync(
        PostCommitRegister.Replace("INSIDE", "await {|#0:bus.Publish(new { Now = id })|};"),
        Verify.Diagnostic("JS0001"));

    // A lambda handed to a delegate (a retry runner passed in) is run by it: Func<T, TResult>.Invoke is not storage.
    [Fact]
    public Task Lambda_passed_to_a_delegate_parameter_inside_the_region_is_reported() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class Sync
        {
            public async Task Push(NpgsqlConnection conn, HttpClient http, Func<Func<Task>, Task> retry)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await retry(() => {|#0:http.PostAsync("https://partner.invalid/push", null)|});
                await tx.CommitAsync();
            }
        }
        """,
        Verify.Diagnostic("JS0003"));

    // A static helper property that hands out a new TransactionScope on every read (`Helper.Scope => new(...)`),
    // used as `using var scope = Helper.Scope;` across a service layer: a factory, like a method. A property
    // that returns a scope kept in a field opens nothing at the caller.
    private const string ScopeProperty = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public static class ScopeHelper
        {
            public static TransactionScope NewScope => new(TransactionScopeAsyncFlowOption.Enabled);
        }

        public class FixtureScope
        {
            private readonly TransactionScope _scope = new(TransactionScopeAsyncFlowOption.Enabled);
            public TransactionScope Current => _scope;
        }

        public class MenuService
        {
            private readonly HttpClient _http;
            public MenuService(HttpClient http) { _http = http; }

            public async Task Rename(int id)
            {
                using var scope = ScopeHelper.NewScope;
                INSIDE
                scope.Complete();
            }

            public async Task Touch(FixtureScope fixture)
            {
                var current = fixture.Current;
                await _http.PostAsync("https://menu.invalid/touched", null);
            }
        }
        """;

    [Fact]
    public Task Http_call_inside_a_scope_from_a_static_property_is_reported() => Verify.VerifyAsync(
        ScopeProperty.Replace("INSIDE", "await {|#0:_http.PostAsync(\"https://menu.invalid/renamed\", null)|};"),
        Verify.Diagnostic("JS0003"));

    [Fact]
    public Task Scope_property_without_side_effects_and_a_property_returning_a_held_scope_are_not_reported() => Verify.VerifyAsync(
        ScopeProperty.Replace("INSIDE", "await Task.Yield();"));

    // A factory that builds a notification callback while its transaction is open and returns it: the caller runs
    // it later. A returned lambda that opens its own transaction is still analysed on its own.
    [Fact]
    public Task Lambda_returned_from_the_region_is_not_reported_but_its_own_region_is() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using MassTransit;
        using Npgsql;

        public class CallbackFactory
        {
            private readonly IPublishEndpoint _bus;
            public CallbackFactory(IPublishEndpoint bus) { _bus = bus; }

            public Func<Task> Prepare(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                return () => _bus.Publish(new { Prepared = id });
            }

            public Func<NpgsqlConnection, Task> Worker() => async c =>
            {
                await using var tx = await c.BeginTransactionAsync();
                await {|#0:_bus.Publish(new { Worked = 1 })|};
                await tx.CommitAsync();
            };
        }
        """,
        Verify.Diagnostic("JS0001"));

    // Library stand-ins (same namespaces, type and method names as the real SDKs, which this test project does not
    // reference), compiled into a metadata reference so the catalog sees library methods, not source ones.
    private const string AzureStandIns = """
        namespace Azure
        {
            public enum WaitUntil { Started, Completed }
        }

        namespace Azure.Communication.Email
        {
            public class EmailMessage { }
            public class EmailClient
            {
                public EmailClient(string connectionString) { }
                public virtual System.Threading.Tasks.Task<object> SendAsync(Azure.WaitUntil wait, EmailMessage message, System.Threading.CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult(new object());
                public virtual System.Threading.Tasks.Task<object> SendAsync(Azure.WaitUntil wait, string from, string to, string subject, string html, string? plainText = null, System.Threading.CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult(new object());
            }
        }

        namespace Azure.Storage.Queues
        {
            public class QueueClient
            {
                public QueueClient(string connectionString, string queueName) { }
                public virtual System.Threading.Tasks.Task<object> SendMessageAsync(string messageText) => System.Threading.Tasks.Task.FromResult(new object());
                public virtual System.Threading.Tasks.Task<object> PeekMessagesAsync() => System.Threading.Tasks.Task.FromResult(new object());
            }
        }
        """;

    private static readonly Lazy<MetadataReference> AzureStandInReference = new(() =>
    {
        var compilation = CSharpCompilation.Create(
            "AzureStandIns",
            new[] { CSharpSyntaxTree.ParseText(AzureStandIns, new CSharpParseOptions(LanguageVersion.Latest)) },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    });

    private static async Task VerifyWithAzureAsync(string source, params DiagnosticResult[] expected)
    {
        var test = AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>.CreateTest(source);
        test.TestState.AdditionalReferences.Add(AzureStandInReference.Value);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    // An app's own IEmailSender on Azure Communication Services, called while a registration transaction is open;
    // a storage-queue message for the thumbnail worker in the same transaction. Both go out at once.
    private const string AzureRegistration = """
        using System.Threading.Tasks;
        using Azure;
        using Azure.Communication.Email;
        using Azure.Storage.Queues;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }

        public interface IMailer { Task SendAsync(string to, string subject, string body); }

        public class AcsMailer : IMailer
        {
            private readonly EmailClient _client = new("endpoint=https://mail.invalid/");
            public async Task SendAsync(string to, string subject, string body) =>
                await _client.SendAsync(WaitUntil.Started, "noreply@app.invalid", to, subject, body);
        }

        public class Registration
        {
            private readonly AppDb _db;
            private readonly IMailer _mailer;
            private readonly QueueClient _thumbnails = new("UseDevelopmentStorage=true", "thumbnails");
            public Registration(AppDb db, IMailer mailer) { _db = db; _mailer = mailer; }

            public async Task Register(string email)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                INSIDE
                await tx.CommitAsync();
                AFTER
            }
        }
        """;

    [Fact]
    public Task Azure_email_and_storage_queue_sends_inside_the_transaction_are_reported() => VerifyWithAzureAsync(
        AzureRegistration
            .Replace("INSIDE", "await {|#0:_mailer.SendAsync(email, \"Welcome\", \"Hi\")|}; await {|#1:_thumbnails.SendMessageAsync(email)|}; await _thumbnails.PeekMessagesAsync();")
            .Replace("AFTER", ""),
        Verify.Diagnostic("JS0002", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Azure_email_and_storage_queue_sends_after_the_commit_are_not_reported() => VerifyWithAzureAsync(
        AzureRegistration
            .Replace("INSIDE", "")
            .Replace("AFTER", "await _mailer.SendAsync(email, \"Welcome\", \"Hi\"); await _thumbnails.SendMessageAsync(email);"));

    // CQRS-style generic handlers: IEventHandler<T> has one implementation per event type, and a generic job sender
    // has one open-generic implementation. A call on the closed interface follows the one implementation for that
    // type; a call from generic code (IEventHandler<T> with T open) still sees several and is not followed.
    private const string GenericHandlers = """
        using System.Net.Mail;
        using System.Threading.Tasks;
        using Hangfire;
        using Npgsql;

        public record InvoicePaid(int Id);
        public record InvoiceVoided(int Id);
        public interface IDomainEventHandler<TEvent> { Task Handle(TEvent domainEvent); }

        public class InvoicePaidMailer : IDomainEventHandler<InvoicePaid>
        {
            private readonly SmtpClient _smtp = new();
            public Task Handle(InvoicePaid domainEvent) => _smtp.SendMailAsync("billing@app.invalid", "customer@app.invalid", "Paid", domainEvent.Id.ToString());
        }

        public class InvoiceVoidedAudit : IDomainEventHandler<InvoiceVoided>
        {
            public Task Handle(InvoiceVoided domainEvent) => Task.CompletedTask;
        }

        public interface IJobQueue<TPayload> { void Push(TPayload payload); }

        public class HangfireJobQueue<TPayload> : IJobQueue<TPayload>
        {
            private readonly IBackgroundJobClient _client;
            public HangfireJobQueue(IBackgroundJobClient client) { _client = client; }
            public void Push(TPayload payload) => _client.Enqueue(() => System.Console.WriteLine(payload));
        }

        public abstract class Projection<TEvent> { public abstract Task Apply(TEvent e); }
        public sealed class PaidProjection : Projection<InvoicePaid>
        {
            private readonly SmtpClient _smtp = new();
            public override Task Apply(InvoicePaid e) => _smtp.SendMailAsync("a@app.invalid", "b@app.invalid", "projected", "x");
        }
        public sealed class VoidedProjection : Projection<InvoiceVoided> { public override Task Apply(InvoiceVoided e) => Task.CompletedTask; }

        public class Billing
        {
            private readonly IDomainEventHandler<InvoicePaid> _paid;
            private readonly IDomainEventHandler<InvoiceVoided> _voided;
            private readonly IJobQueue<int> _queue;
            private readonly Projection<InvoicePaid> _paidProjection;
            private readonly Projection<InvoiceVoided> _voidedProjection;

            public Billing(IDomainEventHandler<InvoicePaid> paid, IDomainEventHandler<InvoiceVoided> voided, IJobQueue<int> queue,
                Projection<InvoicePaid> paidProjection, Projection<InvoiceVoided> voidedProjection)
            { _paid = paid; _voided = voided; _queue = queue; _paidProjection = paidProjection; _voidedProjection = voidedProjection; }

            public async Task Pay(NpgsqlConnection conn, int id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                INSIDE
                await _voided.Handle(new InvoiceVoided(id));
                await _voidedProjection.Apply(new InvoiceVoided(id));
                await tx.CommitAsync();
            }

            public async Task Dispatch<TEvent>(NpgsqlConnection conn, IDomainEventHandler<TEvent> handler, TEvent e)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await handler.Handle(e);
                await tx.CommitAsync();
            }
        }
        """;

    [Fact]
    public Task Closed_generic_interface_and_base_calls_follow_their_single_implementation() => Verify.VerifyAsync(
        GenericHandlers.Replace("INSIDE",
            "await {|#0:_paid.Handle(new InvoicePaid(id))|}; {|#1:_queue.Push(id)|}; await {|#2:_paidProjection.Apply(new InvoicePaid(id))|};"),
        Verify.Diagnostic("JS0002", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0002", 2));

    [Fact]
    public Task Closed_generic_calls_whose_implementation_has_no_side_effect_are_not_reported() => Verify.VerifyAsync(
        GenericHandlers.Replace("INSIDE", ""));
}
