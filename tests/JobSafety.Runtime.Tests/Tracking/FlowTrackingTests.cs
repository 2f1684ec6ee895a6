using System.Data.Common;
using JobSafety.Runtime.Tests.Support;

namespace JobSafety.Runtime.Tests.Tracking;

public class FlowTrackingTests
{
    [Fact]
    public async Task Transaction_begun_by_the_wrapper_async_begin_is_visible_to_the_caller_after_the_await()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
        await using var tx = await conn.BeginTransactionAsync();
        Assert.True(TransactionTracking.IsInsideTransaction);
        await Task.Yield();
        Assert.True(TransactionTracking.IsInsideTransaction);
        await tx.CommitAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Transaction_begun_in_an_async_helper_is_visible_to_the_caller_inside_a_flow_scope()
    {
        using var scope = TransactionTracking.BeginFlowScope();
        var (conn, tx) = await OpenAndBeginInHelperAsync();
        await using (conn)
        await using (tx)
        {
            Assert.True(TransactionTracking.IsInsideTransaction);
            var runs = 0;
            TransactionEvents.AfterCommit(() => runs++);
            await tx.CommitAsync();
            Assert.Equal(1, runs);
            Assert.False(TransactionTracking.IsInsideTransaction);
        }
    }

    [Fact]
    public async Task Transaction_begun_in_a_child_task_is_seen_in_it_and_never_by_a_sibling()
    {
        using var gate = new Barrier(2);
        var withTx = Task.Run(async () =>
        {
            await using var conn = await Db.Source.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            gate.SignalAndWait();
            var inside = TransactionTracking.IsInsideTransaction;
            gate.SignalAndWait();
            return inside;
        });
        var sibling = Task.Run(() =>
        {
            gate.SignalAndWait();
            var inside = TransactionTracking.IsInsideTransaction;
            gate.SignalAndWait();
            return inside;
        });
        Assert.True(await withTx);
        Assert.False(await sibling);
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Child_tasks_started_inside_the_transaction_see_it()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Assert.True(await Task.Run(() => TransactionTracking.IsInsideTransaction));
    }

    [Fact]
    public void Manual_transactions_commit_roll_back_and_use_savepoints()
    {
        var ran = new List<string>();
        using (var manual = TransactionTracking.Begin("DocumentStore"))
        {
            Assert.Equal(TransactionKind.Manual, manual.Kind);
            Assert.Contains(nameof(Manual_transactions_commit_roll_back_and_use_savepoints), manual.BeganAt, StringComparison.Ordinal);
            Assert.True(TransactionTracking.IsInsideTransaction);
            TransactionEvents.AfterCommit(() => ran.Add("kept"));
            manual.Save("s");
            TransactionEvents.AfterCommit(() => ran.Add("dropped"));
            manual.RollbackToSavepoint("s");
            manual.Commit();
        }
        Assert.Equal(new[] { "kept" }, ran);

        var rolledBack = 0;
        using (TransactionTracking.Begin("DocumentStore"))
        {
            TransactionEvents.AfterCommit(() => ran.Add("never"));
            TransactionEvents.AfterRollback(() => rolledBack++);
        } // dispose = rollback
        Assert.Equal(1, rolledBack);
        Assert.Equal(new[] { "kept" }, ran);
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Integration_api_tracks_an_external_transaction_by_key()
    {
        var key = new object();
        var tracked = TransactionTracking.Track(key, TransactionKind.EfCore, "Npgsql", "OrdersController.Post");
        Assert.Same(tracked, TransactionTracking.Find(key));
        var ran = new List<string>();
        TransactionEvents.BeforeCommit(() => ran.Add("before"));
        TransactionEvents.AfterCommit(async _ => { await Task.Yield(); ran.Add("after"); });
        await tracked.NotifyCommitStartingAsync();
        Assert.Equal(new[] { "before" }, ran);
        await tracked.NotifyCommitSucceededAsync();
        Assert.Equal(new[] { "before", "after" }, ran);
        tracked.NotifyRolledBack(); // ignored after completion
        Assert.True(tracked.IsCommitted);

        var failed = TransactionTracking.Track(new object(), TransactionKind.EfCore, "Npgsql");
        var dropped = TransactionEvents.AfterCommit(() => ran.Add("never"));
        failed.NotifyCommitFailed(new InvalidOperationException("connection lost"));
        Assert.True(dropped.Task.IsCanceled);
        Assert.True(failed.IsRolledBack);
    }

    private static async Task<(DbConnection, DbTransaction)> OpenAndBeginInHelperAsync()
    {
        var conn = await Db.Source.OpenConnectionAsync();
        var tx = await conn.BeginTransactionAsync();
        return (conn, tx);
    }
}
