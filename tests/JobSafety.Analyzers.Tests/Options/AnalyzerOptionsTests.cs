using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Options;

/// <summary>The jobsafety.* options: malformed values (JS9999, and the analyzer goes on), user side effects, transactional APIs, Hangfire enlisting.</summary>
public class AnalyzerOptionsTests
{
    private const string Source = """
        using System;
        using System.Threading.Tasks;
        using Hangfire;
        using Npgsql;

        public class Notifier { public void Notify(int id) => BackgroundJob.Enqueue(() => Jobs.Run(id)); }

        public class S
        {
            public void M(NpgsqlConnection conn, Notifier notifier)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                {|#1:notifier.Notify(2)|};
                tx.Commit();
            }
        }

        public static class Jobs { public static void Run(int id) { } }
        """;

    private static DiagnosticResult InvalidOption(string message) =>
        new DiagnosticResult("JS9999", DiagnosticSeverity.Warning).WithSpan(1, 1, 1, 1).WithMessage(message + " (first seen for 'Test0.cs')");

    /// <summary>JS9999 is about the configuration, reported at the start of the first file: a #pragma in the file cannot suppress it (severity can).</summary>
    private static async Task VerifyOptionErrorAsync(string source, string editorconfig, params DiagnosticResult[] expected)
    {
        var test = Verify.CreateTest(source, editorconfig);
        test.TestBehaviors |= TestBehaviors.SkipSuppressionCheck;
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Malformed_call_depth_is_reported_and_the_default_is_used() => VerifyOptionErrorAsync(Source, "jobsafety.call_depth = deep\n",
        InvalidOption("JobSafety option 'jobsafety.call_depth' has the value 'deep', which is not valid: expected a whole number from 0 to 8. Fix the value in the .editorconfig or .globalconfig that sets it; until then the analyzer uses the default (3) and goes on."),
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Out_of_range_call_depth_is_reported() => VerifyOptionErrorAsync(Source, "jobsafety.call_depth = 9\n",
        InvalidOption("JobSafety option 'jobsafety.call_depth' has the value '9', which is not valid: expected a whole number from 0 to 8. Fix the value in the .editorconfig or .globalconfig that sets it; until then the analyzer uses the default (3) and goes on."),
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Malformed_hangfire_storage_enlists_is_reported() => VerifyOptionErrorAsync(Source, "jobsafety.hangfire_storage_enlists = yes\n",
        InvalidOption("JobSafety option 'jobsafety.hangfire_storage_enlists' has the value 'yes', which is not valid: expected true or false. Fix the value in the .editorconfig or .globalconfig that sets it; until then the analyzer uses the default (false) and goes on."),
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Malformed_additional_side_effect_is_reported_and_the_valid_entries_still_apply() => VerifyOptionErrorAsync("""
        using Npgsql;
        namespace Acme { public class Queue { public void Push(string item) { } } }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.Queue queue)
            {
                using var tx = conn.BeginTransaction();
                {|#0:queue.Push("x")|};
                tx.Commit();
            }
        }
        """, "jobsafety.additional_side_effects = queue:M:Acme.Queue.Push(System.String), enqueue:M:Acme.Queue.Push(System.String)\n",
        new DiagnosticResult("JS9999", DiagnosticSeverity.Warning).WithSpan(1, 1, 1, 1).WithMessage(
            "JobSafety option 'jobsafety.additional_side_effects' has the value 'queue:M:Acme.Queue.Push(System.String)', which is not valid: expected 'category:DocumentationCommentId' with a category of enqueue, mail, http or other, e.g. 'enqueue:M:Acme.Queue.Push(System.String)' or 'mail:T:Acme.Mailer'. Fix the value in the .editorconfig or .globalconfig that sets it; until then the analyzer uses nothing for this entry and goes on. (first seen for 'Test0.cs')"),
        Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Additional_side_effects_declare_user_methods_and_types() => Verify.VerifyAsync("""
        using Npgsql;
        namespace Acme
        {
            public class Queue { public void Push(string item) { } public int Count() => 0; }
            public class Mailer { public void Welcome(string to) { } public void Reset(string to) { } }
        }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.Queue queue, Acme.Mailer mailer)
            {
                using var tx = conn.BeginTransaction();
                {|#0:queue.Push("x")|};
                queue.Count();
                {|#1:mailer.Welcome("a@example.com")|};
                {|#2:mailer.Reset("a@example.com")|};
                tx.Commit();
                queue.Push("y");
                mailer.Welcome("b@example.com");
            }
        }
        """, "jobsafety.additional_side_effects = enqueue:M:Acme.Queue.Push(System.String), mail:T:Acme.Mailer\n",
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0002", 1), Verify.Diagnostic("JS0002", 2));

    [Fact]
    public Task Additional_side_effects_apply_through_calls() => Verify.VerifyAsync("""
        using Npgsql;
        namespace Acme { public class Queue { public void Push(string item) { } } }
        public class Service { private readonly Acme.Queue _queue = new(); public void Place() => _queue.Push("placed"); }
        public class S
        {
            public void M(NpgsqlConnection conn, Service service)
            {
                using var tx = conn.BeginTransaction();
                {|#0:service.Place()|};
                tx.Commit();
            }
        }
        """, "jobsafety.additional_side_effects = other:M:Acme.Queue.Push(System.String)\n", Verify.Diagnostic("JS0004", 0));

    [Fact]
    public Task Unresolved_ids_are_ignored_without_an_error() => Verify.VerifyAsync(Source,
        "jobsafety.additional_side_effects = enqueue:M:NotReferenced.Queue.Push(System.String)\njobsafety.transaction_methods = T:NotReferenced.UnitOfWork\n",
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Transactional_apis_are_not_reported() => Verify.VerifyAsync("""
        using Npgsql;
        namespace Acme { public class Outbox { public void Add(object message) { } public void Flush() { } } }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.Outbox outbox)
            {
                using var tx = conn.BeginTransaction();
                outbox.Add(new object());
                {|#0:outbox.Flush()|};
                tx.Commit();
            }
        }
        """, "jobsafety.additional_side_effects = enqueue:T:Acme.Outbox\njobsafety.transactional_apis = M:Acme.Outbox.Add(System.Object)\n", Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Transactional_apis_cover_library_methods() => Verify.VerifyAsync("""
        using Npgsql;
        using Hangfire;
        public class S
        {
            public void M(NpgsqlConnection conn, IBackgroundJobClient client)
            {
                using var tx = conn.BeginTransaction();
                client.Create(Hangfire.Common.Job.FromExpression(() => Jobs.Run(1)), new Hangfire.States.EnqueuedState());
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                tx.Commit();
            }
        }
        public static class Jobs { public static void Run(int id) { } }
        """, "jobsafety.transactional_apis = M:Hangfire.IBackgroundJobClient.Create(Hangfire.Common.Job,Hangfire.States.IState)\n", Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Call_handed_the_transaction_or_its_connection_is_transactional() => Verify.VerifyAsync("""
        using Npgsql;
        namespace Acme
        {
            public class Outbox
            {
                public void Enqueue(object message, System.Data.IDbTransaction transaction) { }
                public void Enqueue(object message, System.Data.Common.DbConnection connection) { }
                public void Enqueue(object message) { }
            }
            public class OutboxWriter
            {
                public OutboxWriter(System.Data.IDbTransaction transaction) { }
                public void Write(object message) { }
            }
        }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.Outbox outbox)
            {
                using var tx = conn.BeginTransaction();
                outbox.Enqueue(new object(), tx);
                outbox.Enqueue(new object(), conn);
                var writer = new Acme.OutboxWriter(tx);
                writer.Write(new object());
                {|#0:outbox.Enqueue(new object())|};
                tx.Commit();
            }
        }
        """, "jobsafety.additional_side_effects = enqueue:T:Acme.Outbox, enqueue:T:Acme.OutboxWriter\n", Verify.Diagnostic("JS0001", 0));

    private const string Enlisting = """
        using System.Transactions;
        using Hangfire;
        using Npgsql;
        public class S
        {
            public void InScope(IBackgroundJobClient client)
            {
                using var scope = new TransactionScope();
                BackgroundJob.Enqueue(() => Jobs.Run(1));
                client.Enqueue(() => Jobs.Run(2));
                scope.Complete();
            }

            public void InDbTransaction(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(3))|};
                tx.Commit();
            }

            public void Both(NpgsqlConnection conn)
            {
                using var scope = new TransactionScope();
                using var tx = conn.BeginTransaction();
                {|#1:BackgroundJob.Enqueue(() => Jobs.Run(4))|};
                tx.Commit();
                scope.Complete();
            }
        }
        public static class Jobs { public static void Run(int id) { } }
        """;

    [Fact]
    public Task Hangfire_storage_enlists_makes_TransactionScope_enqueues_atomic_but_not_DbTransaction_ones() =>
        Verify.VerifyAsync(Enlisting, "jobsafety.hangfire_storage_enlists = true\n",
            Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Without_hangfire_storage_enlists_TransactionScope_enqueues_are_reported() => Verify.VerifyAsync(Enlisting
        .Replace("BackgroundJob.Enqueue(() => Jobs.Run(1))", "{|#2:BackgroundJob.Enqueue(() => Jobs.Run(1))|}", StringComparison.Ordinal)
        .Replace("client.Enqueue(() => Jobs.Run(2))", "{|#3:client.Enqueue(() => Jobs.Run(2))|}", StringComparison.Ordinal),
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2), Verify.Diagnostic("JS0001", 3));
}
