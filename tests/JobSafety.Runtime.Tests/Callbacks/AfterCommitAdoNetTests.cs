using JobSafety.Runtime.Tests.Support;
using Npgsql;

namespace JobSafety.Runtime.Tests.Callbacks;

/// <summary>One test per row of the AfterCommit table (RUNTIME.md §4), against a real PostgreSQL transaction through the wrapper.</summary>
public class AfterCommitAdoNetTests
{
    [Fact]
    public async Task Inside_a_transaction_runs_once_after_the_commit_and_sees_committed_data()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Db.InsertAsync(conn, table, 1, tx);
        var runs = 0;
        long seen = -1;
        var handle = TransactionEvents.AfterCommit(async ct =>
        {
            Interlocked.Increment(ref runs);
            seen = await Db.CountAsync(table);
        });
        Assert.Equal(0, runs);
        Assert.False(handle.Task.IsCompleted);
        await tx.CommitAsync();
        Assert.Equal(1, runs);
        Assert.Equal(1, seen);
        Assert.True(handle.Task.IsCompletedSuccessfully);
        await tx.DisposeAsync();
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Sync_commit_runs_sync_work_once()
    {
        var table = await Db.CreateTableAsync();
        using var conn = Db.Source.OpenConnection();
        using var tx = conn.BeginTransaction();
        Db.Insert(conn, table, 1);
        var runs = 0;
        TransactionEvents.AfterCommit(() => runs++);
        tx.Commit();
        tx.Dispose();
        Assert.Equal(1, runs);
    }

    [Fact]
    public void No_transaction_runs_at_once_by_default_and_throws_when_asked_per_call()
    {
        var runs = 0;
        var handle = TransactionEvents.AfterCommit(() => runs++);
        Assert.Equal(1, runs);
        Assert.True(handle.Task.IsCompletedSuccessfully);

        var ex = Assert.Throws<InvalidOperationException>(() => TransactionEvents.AfterCommit(() => runs++, whenNoTransaction: NoTransactionBehavior.Throw));
        Assert.Contains("no transaction open", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Rollback_drops_the_work_and_runs_AfterRollback()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var committed = 0;
        var rolledBack = 0;
        var after = TransactionEvents.AfterCommit(() => committed++);
        var compensation = TransactionEvents.AfterRollback(() => rolledBack++);
        await tx.RollbackAsync();
        await tx.DisposeAsync();
        Assert.Equal(0, committed);
        Assert.Equal(1, rolledBack);
        Assert.True(after.Task.IsCanceled);
        Assert.True(compensation.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Disposing_an_uncommitted_transaction_is_a_rollback()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        var committed = 0;
        var rolledBack = 0;
        await using (var tx = await conn.BeginTransactionAsync())
        {
            TransactionEvents.AfterCommit(() => committed++);
            TransactionEvents.AfterRollback(() => rolledBack++);
        }
        Assert.Equal((0, 1), (committed, rolledBack));
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Savepoint_rollback_drops_only_the_work_registered_after_it()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ran = new List<string>();
        TransactionEvents.AfterCommit(() => ran.Add("before savepoint"));
        await tx.SaveAsync("s1");
        await Db.InsertAsync(conn, table, 1);
        var dropped = TransactionEvents.AfterCommit(() => ran.Add("after savepoint"));
        TransactionEvents.AfterRollback(() => ran.Add("undone part rolled back"));
        await tx.RollbackAsync("s1");
        TransactionEvents.AfterCommit(() => ran.Add("after rollback to savepoint"));
        tx.Save("s2");
        TransactionEvents.AfterCommit(() => ran.Add("kept by release"));
        tx.Release("s2");
        await tx.CommitAsync();
        Assert.Equal(new[] { "undone part rolled back", "before savepoint", "after rollback to savepoint", "kept by release" }, ran);
        Assert.True(dropped.Task.IsCanceled);
        Assert.Equal(0, await Db.CountAsync(table));
    }

    [Fact]
    public async Task Several_transactions_on_the_flow_run_the_work_when_all_committed()
    {
        await using var c1 = await Db.Source.OpenConnectionAsync();
        await using var c2 = await Db.Source.OpenConnectionAsync();
        await using var t1 = await c1.BeginTransactionAsync();
        await using var t2 = await c2.BeginTransactionAsync();
        var runs = 0;
        TransactionEvents.AfterCommit(() => runs++);
        await t1.CommitAsync();
        Assert.Equal(0, runs);
        Assert.True(TransactionTracking.IsInsideTransaction);
        await t2.CommitAsync();
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Several_transactions_on_the_flow_drop_the_work_when_one_rolls_back()
    {
        await using var c1 = await Db.Source.OpenConnectionAsync();
        await using var c2 = await Db.Source.OpenConnectionAsync();
        await using var t1 = await c1.BeginTransactionAsync();
        await using var t2 = await c2.BeginTransactionAsync();
        var runs = 0;
        var rolledBack = 0;
        var handle = TransactionEvents.AfterCommit(() => runs++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        await t1.CommitAsync();
        await t2.RollbackAsync();
        Assert.Equal((0, 1), (runs, rolledBack));
        Assert.True(handle.Task.IsCanceled);
    }

    [Fact]
    public async Task Failed_commit_runs_nothing_and_runs_AfterRollback()
    {
        var table = await Db.CreateTableAsync("id int, v text, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED");
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Db.InsertAsync(conn, table, 1);
        await Db.InsertAsync(conn, table, 1);
        var runs = 0;
        var rolledBack = 0;
        var handle = TransactionEvents.AfterCommit(() => runs++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => tx.CommitAsync());
        Assert.Equal("23505", ex.SqlState);
        Assert.Equal((0, 1), (runs, rolledBack));
        Assert.True(handle.Task.IsCanceled);
        await tx.DisposeAsync();
        Assert.Equal(1, rolledBack);
    }

    [Fact]
    public async Task Commit_of_a_transaction_aborted_by_an_error_is_treated_as_a_rollback()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var runs = 0;
        var rolledBack = 0;
        TransactionEvents.AfterCommit(() => runs++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        await using (var bad = conn.CreateCommand())
        {
            bad.CommandText = "SELECT 1/0";
            await Assert.ThrowsAsync<PostgresException>(() => bad.ExecuteScalarAsync());
        }
        await tx.CommitAsync(); // PostgreSQL answers ROLLBACK
        Assert.Equal((0, 1), (runs, rolledBack));
    }

    [Fact]
    public async Task A_throwing_callback_leaves_the_commit_standing_and_the_others_running()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Db.InsertAsync(conn, table, 1);
        var ran = new List<int>();
        TransactionEvents.AfterCommit(() => ran.Add(1));
        var failing = TransactionEvents.AfterCommit(() => throw new InvalidOperationException("boom 2"));
        TransactionEvents.AfterCommit(async _ => { await Task.Yield(); throw new InvalidOperationException("boom 3"); });
        TransactionEvents.AfterCommit(() => ran.Add(4));
        var aggregate = await Assert.ThrowsAsync<AggregateException>(() => tx.CommitAsync());
        Assert.Equal(new[] { "boom 2", "boom 3" }, aggregate.InnerExceptions.Select(e => e.Message));
        Assert.Equal(new[] { 1, 4 }, ran);
        Assert.True(failing.Task.IsFaulted);
        Assert.Equal(1, await Db.CountAsync(table));
    }

    [Fact]
    public async Task Async_work_is_awaited_by_CommitAsync()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var done = false;
        TransactionEvents.AfterCommit(async ct => { await Task.Delay(50, ct); done = true; });
        await tx.CommitAsync();
        Assert.True(done);
    }

    [Fact]
    public void Sync_commit_runs_async_work_without_deadlocking_on_a_captured_context()
    {
        Exception? failure = null;
        var done = false;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new NeverPumpedContext());
            try
            {
                using var conn = Db.Source.OpenConnection();
                using var tx = conn.BeginTransaction();
                TransactionEvents.AfterCommit(async ct => { await Task.Delay(20, ct); await Task.Yield(); done = true; });
                tx.Commit();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "sync Commit deadlocked on async AfterCommit work");
        Assert.Null(failure);
        Assert.True(done);
    }

    [Fact]
    public async Task BeforeCommit_runs_inside_the_transaction_just_before_the_commit()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var order = new List<string>();
        TransactionEvents.AfterCommit(() => order.Add("after"));
        TransactionEvents.BeforeCommit(async ct =>
        {
            order.Add("before");
            await Db.InsertAsync(conn, table, 7);
        });
        Assert.Empty(order);
        await tx.CommitAsync();
        Assert.Equal(new[] { "before", "after" }, order);
        Assert.Equal(1, await Db.CountAsync(table));
    }

    [Fact]
    public async Task BeforeCommit_exception_aborts_the_commit()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Db.InsertAsync(conn, table, 1);
        var after = 0;
        var rolledBack = 0;
        TransactionEvents.AfterCommit(() => after++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        TransactionEvents.BeforeCommit(() => throw new InvalidOperationException("validation failed"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => tx.CommitAsync());
        Assert.Equal("validation failed", ex.Message);
        Assert.Equal((0, 1), (after, rolledBack));
        Assert.Equal(0, await Db.CountAsync(table));
    }

    [Fact]
    public async Task Sync_BeforeCommit_exception_aborts_the_sync_commit()
    {
        var table = await Db.CreateTableAsync();
        using var conn = Db.Source.OpenConnection();
        using var tx = conn.BeginTransaction();
        Db.Insert(conn, table, 1);
        TransactionEvents.BeforeCommit(async _ => { await Task.Yield(); throw new InvalidOperationException("async validation failed"); });
        Assert.Throws<InvalidOperationException>(() => tx.Commit());
        Assert.Equal(0, await Db.CountAsync(table));
    }

    [Fact]
    public async Task Order_is_registration_order_and_prepend_puts_one_first()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var order = new List<string>();
        TransactionEvents.AfterCommit(() => order.Add("a"));
        TransactionEvents.AfterCommit(() => order.Add("b"));
        TransactionEvents.AfterCommit(() => order.Add("first"), prepend: true);
        TransactionEvents.AfterCommit(() => order.Add("c"));
        await tx.CommitAsync();
        Assert.Equal(new[] { "first", "a", "b", "c" }, order);
    }

    [Fact]
    public async Task A_callback_registering_another_callback_runs_it_once()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var inner = 0;
        TransactionEvents.AfterCommit(() => TransactionEvents.AfterCommit(() => inner++));
        await tx.CommitAsync();
        Assert.Equal(1, inner);
    }

    [Fact]
    public async Task Marked_test_wrapper_is_transparent_and_AfterCommit_runs_at_once()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        using var _ = JobSafetyTest.WrapperTransaction(tx);
        Assert.False(TransactionTracking.IsInsideTransaction);
        SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: Test"); // does not throw
        var runs = 0;
        TransactionEvents.AfterCommit(() => runs++);
        Assert.Equal(1, runs);
        await tx.RollbackAsync();
        Assert.Equal(1, runs);
    }

    private sealed class NeverPumpedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
            // Queued forever: any continuation captured on this context would deadlock a sync wait.
        }
    }
}
