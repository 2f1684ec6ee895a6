using JobSafety.Runtime.Tests.Support;
using Npgsql;

namespace JobSafety.Runtime.Tests.Tracking;

public class FaultTests
{
    private static async Task TerminateAsync(int pid)
    {
        await using var cmd = Db.Raw.CreateCommand($"SELECT pg_terminate_backend({pid})");
        await cmd.ExecuteScalarAsync();
    }

    private static async Task<int> BackendPidAsync(System.Data.Common.DbConnection conn)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT pg_backend_pid()";
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Backend_terminated_mid_transaction_commit_fails_clearly_and_only_AfterRollback_runs()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Db.InsertAsync(conn, table, 1);
        var committed = 0;
        var rolledBack = 0;
        var handle = TransactionEvents.AfterCommit(() => committed++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        await TerminateAsync(await BackendPidAsync(conn));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => tx.CommitAsync());
        Assert.True(ex is NpgsqlException or InvalidOperationException, ex.ToString());
        Assert.Equal((0, 1), (committed, rolledBack));
        Assert.True(handle.Task.IsCanceled);
        await tx.DisposeAsync();
        await conn.DisposeAsync();
        Assert.Equal((0, 1), (committed, rolledBack));
        Assert.Equal(0, await Db.CountAsync(table));
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Rollback_failing_on_a_broken_connection_still_runs_AfterRollback_once()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        var tx = await conn.BeginTransactionAsync();
        var committed = 0;
        var rolledBack = 0;
        TransactionEvents.AfterCommit(() => committed++);
        TransactionEvents.AfterRollback(() => rolledBack++);
        await TerminateAsync(await BackendPidAsync(conn));
        try
        {
            await tx.RollbackAsync();
        }
        catch (NpgsqlException)
        {
            // Npgsql may report the broken connection; the transaction is gone either way.
        }
        catch (InvalidOperationException)
        {
        }
        try
        {
            await tx.DisposeAsync();
        }
        catch (NpgsqlException)
        {
        }
        Assert.Equal((0, 1), (committed, rolledBack));
    }

    [Fact]
    public async Task Connection_disposed_with_an_open_transaction_counts_as_rollback()
    {
        var committed = 0;
        var rolledBack = 0;
        await using (var conn = await Db.Source.OpenConnectionAsync())
        {
            _ = await conn.BeginTransactionAsync();
            TransactionEvents.AfterCommit(() => committed++);
            TransactionEvents.AfterRollback(() => rolledBack++);
        }
        Assert.Equal((0, 1), (committed, rolledBack));
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Throwing_AfterRollback_work_never_reaches_the_caller_and_the_others_run()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ran = 0;
        var failing = TransactionEvents.AfterRollback(() => throw new InvalidOperationException("compensation failed"));
        TransactionEvents.AfterRollback(() => ran++);
        await tx.RollbackAsync();
        Assert.Equal(1, ran);
        Assert.True(failing.Task.IsFaulted);
    }

    [Fact]
    public async Task Callbacks_registering_callbacks_across_two_transactions_run_exactly_once()
    {
        await using var c1 = await Db.Source.OpenConnectionAsync();
        await using var c2 = await Db.Source.OpenConnectionAsync();
        await using var t1 = await c1.BeginTransactionAsync();
        await using var t2 = await c2.BeginTransactionAsync();
        var outer = 0;
        var inner = 0;
        TransactionEvents.AfterCommit(() =>
        {
            outer++;
            TransactionEvents.AfterCommit(() => inner++); // no transaction left: runs at once
        });
        await t1.CommitAsync();
        await t2.CommitAsync();
        await t1.DisposeAsync();
        await t2.DisposeAsync();
        Assert.Equal((1, 1), (outer, inner));
    }

    [Fact]
    public async Task Failed_begin_does_not_leave_a_phantom_transaction()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await conn.BeginTransactionAsync());
        await tx.CommitAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
    }
}
