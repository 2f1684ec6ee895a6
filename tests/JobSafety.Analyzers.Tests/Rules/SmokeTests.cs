using JobSafety.Analyzers.Rules;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

public class SmokeTests
{
    [Fact]
    public Task Hangfire_enqueue_inside_npgsql_transaction_is_reported() => Verify.VerifyAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Notify(2));
            }

            public static void Notify(int id) { }
        }
        """, Verify.Diagnostic("JS0001"));
}
