using System.Transactions;
using Hangfire;
using Hangfire.Common;
using JobSafety.Hangfire;
using Npgsql;

namespace JobSafety.Integrations.Tests;

/// <summary>The proof: a comment inserted in a PostgreSQL transaction, and a Hangfire job that reads it back, processed by a
/// real BackgroundJobServer while the transaction is still open.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class HangfireTests
{
    private readonly Services _services;

    public HangfireTests(Services services) => _services = services;

    private BackgroundJobClient Unguarded() => new(_services.Storage, new JobFilterCollection());

    private BackgroundJobClient Guarded(JobSafetyHangfireOptions? options = null)
    {
        var filters = new JobFilterCollection { new JobSafetyClientFilter(options) };
        return new BackgroundJobClient(_services.Storage, filters);
    }

    [Fact]
    public async Task Unguarded_the_worker_runs_before_the_commit_and_does_not_find_the_comment()
    {
        var key = Comments.NewKey("hf-race");
        await using var conn = new NpgsqlConnection(_services.ConnectionString); // no JobSafety: nothing tracks this transaction
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        Unguarded().Enqueue(() => CommentJobs.ReadBack(key, id));

        // The transaction stays open until the job has run: the interleaving is deterministic.
        var found = await Probe.WaitAsync(key);
        await tx.CommitAsync();

        Assert.False(found, "the job ran while the transaction was open, so it cannot have seen the comment");
        Assert.True(Probe.CommentExists(id), "the comment exists after the commit: the job simply looked too early");
    }

    [Fact]
    public async Task Guarded_the_enqueue_throws_and_nothing_reaches_the_queue()
    {
        var key = Comments.NewKey("hf-guard");
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        var ex = Assert.Throws<BackgroundJobClientException>(() => Guarded().Enqueue(() => CommentJobs.ReadBack(key, id)));
        var inner = Assert.IsType<NonAtomicEnqueueException>(ex.InnerException);
        Assert.Contains("Hangfire: CommentJobs.ReadBack", inner.Message, StringComparison.Ordinal);
        Assert.Contains("AfterCommit", inner.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", inner.Message, StringComparison.Ordinal);

        await tx.RollbackAsync();
        Assert.Equal(0, _services.CountJobs(key));
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_the_job_runs_after_the_commit_and_finds_the_comment()
    {
        var key = Comments.NewKey("hf-defer");
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");
        var client = Guarded();

        var handle = TransactionEvents.AfterCommit(() => client.Enqueue(() => CommentJobs.ReadBack(key, id)));
        Assert.Equal(0, _services.CountJobs(key));

        await tx.CommitAsync();
        await handle.Task;
        Assert.Equal(1, _services.CountJobs(key));
        Assert.True(await Probe.WaitAsync(key), "the job ran after the commit and found the comment");
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_a_rollback_creates_no_job()
    {
        var key = Comments.NewKey("hf-defer-rb");
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");
        var client = Guarded();

        var handle = TransactionEvents.AfterCommit(() => client.Enqueue(() => CommentJobs.ReadBack(key, id)));
        await tx.RollbackAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.Task);
        Assert.Equal(0, _services.CountJobs(key));
        Assert.False(Probe.Reported(key));
    }

    [Fact]
    public async Task In_a_TransactionScope_HangfirePostgreSql_enlists_no_violation_and_the_job_appears_only_on_commit()
    {
        var key = Comments.NewKey("hf-scope");
        int id;
        using (var scope = new TransactionScope(TransactionScopeOption.Required, new TransactionOptions { IsolationLevel = System.Transactions.IsolationLevel.ReadCommitted }, TransactionScopeAsyncFlowOption.Enabled))
        {
            await using (var conn = new NpgsqlConnection(_services.ConnectionString)) // Enlist=true (Npgsql's default)
            {
                await conn.OpenAsync();
                id = await Comments.InsertAsync(conn, null, "hello");
            }

            Guarded().Enqueue(() => CommentJobs.ReadBack(key, id)); // no exception: the storage writes in the same transaction

            Assert.Equal(0, _services.CountJobs(key)); // not visible from outside before the commit
            await Task.Delay(300);
            Assert.False(Probe.Reported(key), "no worker can see the job before the commit");
            scope.Complete();
        }

        Assert.Equal(1, _services.CountJobs(key));
        Assert.True(await Probe.WaitAsync(key), "the job ran after the commit and found the comment");
    }

    [Fact]
    public async Task In_a_TransactionScope_a_storage_that_does_not_enlist_is_flagged()
    {
        var key = Comments.NewKey("hf-scope-strict");
        using var scope = new TransactionScope(TransactionScopeOption.Required, new TransactionOptions { IsolationLevel = System.Transactions.IsolationLevel.ReadCommitted }, TransactionScopeAsyncFlowOption.Enabled);
        var ex = Assert.Throws<BackgroundJobClientException>(() =>
            Guarded(new JobSafetyHangfireOptions { StorageEnlistsInTransactionScope = false }).Enqueue(() => CommentJobs.ReadBack(key, 0)));
        Assert.IsType<NonAtomicEnqueueException>(ex.InnerException);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Inside_a_TransactionScope_and_a_raw_wrapped_transaction_the_enqueue_is_still_flagged()
    {
        var key = Comments.NewKey("hf-scope-raw");
        using var scope = new TransactionScope(TransactionScopeOption.Required, new TransactionOptions { IsolationLevel = System.Transactions.IsolationLevel.ReadCommitted }, TransactionScopeAsyncFlowOption.Enabled);
        await using var db = NpgsqlDataSource.Create(_services.OutsideConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ex = Assert.Throws<BackgroundJobClientException>(() => Guarded().Enqueue(() => CommentJobs.ReadBack(key, 0)));
        var inner = Assert.IsType<NonAtomicEnqueueException>(ex.InnerException);
        Assert.Contains("AdoNet", inner.Violation!.Transaction, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UseJobSafety_registers_one_global_filter()
    {
        GlobalConfiguration.Configuration.UseJobSafety();
        GlobalConfiguration.Configuration.UseJobSafety(o => o.StorageEnlistsInTransactionScope = true);
        try
        {
            Assert.Single(GlobalJobFilters.Filters, f => f.Instance is JobSafetyClientFilter);
        }
        finally
        {
            foreach (var f in GlobalJobFilters.Filters.Where(f => f.Instance is JobSafetyClientFilter).ToList()) GlobalJobFilters.Filters.Remove(f.Instance);
        }
    }

    [Fact]
    public async Task In_Report_mode_the_enqueue_goes_through_and_the_violation_is_reported()
    {
        var key = Comments.NewKey("hf-report");
        var seen = new List<SideEffectViolation>();
        Action<SideEffectViolation> record = v => { lock (seen) seen.Add(v); };
        JobSafetyConfiguration.Configure(o =>
        {
            o.Mode = GuardMode.Report;
            o.OnViolation.Add(record);
        });
        try
        {
            await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var id = await Comments.InsertAsync(conn, tx, "hello");
            Guarded().Enqueue(() => CommentJobs.ReadBack(key, id));
            Assert.Equal(1, _services.CountJobs(key));
            await Probe.WaitAsync(key); // the race happens, as it would in production; the report says where
            await tx.CommitAsync();
        }
        finally
        {
            JobSafetyConfiguration.Configure(o =>
            {
                o.Mode = GuardMode.Throw;
                o.OnViolation.Remove(record);
            });
        }
        var violation = Assert.Single(seen, v => v.Target == "Hangfire: CommentJobs.ReadBack");
        Assert.Equal(SideEffectCategory.Enqueue, violation.Category);
    }
}
