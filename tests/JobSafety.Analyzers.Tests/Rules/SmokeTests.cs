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

public class HandedValuesTests
{
    [Fact]
    public Task Cancellation_token_passed_to_begin_does_not_make_later_calls_transactional() => JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<SideEffectInTransactionAnalyzer>.VerifyAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Npgsql;

        public class S
        {
            public async Task M(NpgsqlConnection conn, HttpClient http, CancellationToken ct)
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await {|#0:http.PostAsync("https://example.invalid/", null, ct)|};
                await tx.CommitAsync(ct);
            }
        }
        """, JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<SideEffectInTransactionAnalyzer>.Diagnostic("JS0003"));
}
