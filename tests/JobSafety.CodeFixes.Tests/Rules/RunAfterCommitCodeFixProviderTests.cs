using JobSafety.CodeFixes.Rules;
using Verify = JobSafety.CodeFixes.Tests.Infrastructure.CodeFixVerifier<JobSafety.CodeFixes.Rules.RunAfterCommitCodeFixProvider>;

namespace JobSafety.CodeFixes.Tests.Rules;

public class RunAfterCommitCodeFixProviderTests
{
    [Fact]
    public Task Sync_enqueue_in_BeginTransaction_is_wrapped_and_using_added() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, """
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Notify(1)));
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });
}
