using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

/// <summary>The message shape of RULES.md and the additional location (the transaction start).</summary>
public class SideEffectInTransactionMessageTests
{
    [Fact]
    public Task Direct_finding_names_the_call_the_kind_the_start_and_the_ways_out() => Verify.VerifyAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = {|#1:conn.BeginTransaction()|};
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """,
        new DiagnosticResult("JS0001", DiagnosticSeverity.Warning).WithLocation(0).WithLocation(1).WithMessage(
            "'BackgroundJob.Enqueue' enqueues a background job while the transaction opened by 'conn.BeginTransaction()' (line 8) is still open: the job or message can be handled before the commit, or after a rollback. Defer it with AfterCommit or move it after Commit()."));

    [Fact]
    public Task Scope_finding_points_at_the_scope_and_says_how_to_move_out_of_it() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using System.Transactions;

        public class Signup
        {
            public async Task Register(System.Net.Mail.SmtpClient smtp)
            {
                using (var scope = {|#1:new TransactionScope(TransactionScopeAsyncFlowOption.Enabled)|})
                {
                    await {|#0:smtp.SendMailAsync(new System.Net.Mail.MailMessage())|};
                    scope.Complete();
                }
            }
        }
        """,
        new DiagnosticResult("JS0002", DiagnosticSeverity.Warning).WithLocation(0).WithLocation(1).WithMessage(
            "'SmtpClient.SendMailAsync' sends an e-mail while the transaction opened by 'new TransactionScope(TransactionScopeAsyncFlowOption.Enab...' (line 8) is still open: the e-mail goes out even if the transaction rolls back. Defer it with AfterCommit or move it after the TransactionScope is disposed."));

    [Fact]
    public Task Parameter_finding_points_at_the_parameter() => Verify.VerifyAsync("""
        using System.Threading.Tasks;

        public class Cache
        {
            public async Task Save({|#1:System.Data.IDbTransaction transaction|}, Microsoft.Extensions.Caching.Distributed.IDistributedCache cache)
            {
                await {|#0:cache.RemoveAsync("orders")|};
            }
        }
        """,
        new DiagnosticResult("JS0004", DiagnosticSeverity.Warning).WithLocation(0).WithLocation(1).WithMessage(
            "'IDistributedCache.RemoveAsync' writes to the distributed cache while the transaction passed in as parameter 'transaction' (line 5) is still open: the write is not undone by a rollback and others can see it before the commit. Defer it with AfterCommit or move it to the caller, after its Commit()."));
}
