using System.Transactions;
using JobSafety.Runtime.Tests.Support;
using Npgsql;

namespace JobSafety.Runtime.Tests.Callbacks;

/// <summary>The ambient <see cref="TransactionScope"/> twins of the AfterCommit table rows.</summary>
public class AfterCommitAmbientTests
{
    private static TransactionScope Scope(TransactionScopeOption option = TransactionScopeOption.Required) =>
        new(option, TransactionScopeAsyncFlowOption.Enabled);

    [Fact]
    public async Task Inside_a_scope_with_an_enlisted_connection_runs_once_after_the_commit_and_sees_the_data()
    {
        var table = await Db.CreateTableAsync();
        var runs = 0;
        long seen = -1;
        using (var scope = Scope())
        {
            await using var conn = new NpgsqlConnection(Db.EnlistingConnectionString);
            await conn.OpenAsync();
            await Db.InsertAsync(conn, table, 1);
            TransactionEvents.AfterCommit(() =>
            {
                runs++;
                seen = Db.CountAsync(table).GetAwaiter().GetResult();
            });
            scope.Complete();
            Assert.Equal(0, runs);
        }
        Assert.Equal(1, runs);
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Inside_a_scope_without_connection_runs_after_dispose()
    {
        var runs = 0;
        TransactionCallbackHandle handle;
        using (var scope = Scope())
        {
            handle = TransactionEvents.AfterCommit(() => runs++);
            Assert.True(TransactionTracking.IsInsideTransaction);
            scope.Complete();
        }
        Assert.Equal(1, runs);
        Assert.True(handle.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public void Scope_not_completed_drops_the_work_and_runs_AfterRollback()
    {
        var runs = 0;
        var rolledBack = 0;
        TransactionCallbackHandle handle;
        using (Scope())
        {
            handle = TransactionEvents.AfterCommit(() => runs++);
            TransactionEvents.AfterRollback(() => rolledBack++);
        }
        Assert.Equal((0, 1), (runs, rolledBack));
        Assert.True(handle.Task.IsCanceled);
    }

    [Fact]
    public void Nested_Required_scope_joins_the_outer_one()
    {
        var runs = 0;
        using (var outer = Scope())
        {
            using (var inner = Scope(TransactionScopeOption.Required))
            {
                TransactionEvents.AfterCommit(() => runs++);
                inner.Complete();
            }
            Assert.Equal(0, runs);
            outer.Complete();
        }
        Assert.Equal(1, runs);
    }

    [Fact]
    public void RequiresNew_work_belongs_to_the_inner_transaction()
    {
        var inner = 0;
        var outerWork = 0;
        using (Scope())
        {
            TransactionEvents.AfterCommit(() => outerWork++);
            using (var scope = Scope(TransactionScopeOption.RequiresNew))
            {
                TransactionEvents.AfterCommit(() => inner++);
                scope.Complete();
            }
            Assert.Equal(1, inner);
            // outer scope not completed: rolls back
        }
        Assert.Equal((1, 0), (inner, outerWork));
    }

    [Fact]
    public async Task Scope_and_AdoNet_transaction_on_one_flow_run_when_both_committed()
    {
        var runs = 0;
        using (var scope = Scope())
        {
            await using var conn = await Db.Source.OpenConnectionAsync(); // not enlisted: own transaction
            await using var tx = await conn.BeginTransactionAsync();
            TransactionEvents.AfterCommit(() => runs++);
            await tx.CommitAsync();
            Assert.Equal(0, runs);
            scope.Complete();
        }
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Failed_commit_of_the_scope_runs_nothing_and_runs_AfterRollback()
    {
        var table = await Db.CreateTableAsync("id int, v text, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED");
        var runs = 0;
        var rolledBack = 0;
        var scope = Scope();
        await using (var conn = new NpgsqlConnection(Db.EnlistingConnectionString))
        {
            await conn.OpenAsync();
            await Db.InsertAsync(conn, table, 1);
            await Db.InsertAsync(conn, table, 1);
            TransactionEvents.AfterCommit(() => runs++);
            TransactionEvents.AfterRollback(() => rolledBack++);
            scope.Complete();
        }
        Assert.ThrowsAny<Exception>(() => scope.Dispose());
        Assert.Equal((0, 1), (runs, rolledBack));
        Assert.Equal(0, await Db.CountAsync(table));
    }

    [Fact]
    public void A_throwing_callback_never_escapes_the_scope_and_the_others_run()
    {
        var ran = new List<int>();
        TransactionCallbackHandle failing;
        using (var scope = Scope())
        {
            TransactionEvents.AfterCommit(() => ran.Add(1));
            failing = TransactionEvents.AfterCommit(() => throw new InvalidOperationException("boom"));
            TransactionEvents.AfterCommit(() => ran.Add(3));
            scope.Complete();
        } // Dispose must not throw
        Assert.Equal(new[] { 1, 3 }, ran);
        Assert.True(failing.Task.IsFaulted);
    }

    [Fact]
    public void Async_work_runs_when_the_scope_commits()
    {
        var done = false;
        using (var scope = Scope())
        {
            TransactionEvents.AfterCommit(async ct => { await Task.Delay(10, ct); done = true; });
            scope.Complete();
        }
        Assert.True(done);
    }

    [Fact]
    public async Task BeforeCommit_runs_before_the_commit_and_its_exception_aborts_it()
    {
        var table = await Db.CreateTableAsync();
        var order = new List<string>();
        using (var scope = Scope())
        {
            TransactionEvents.BeforeCommit(() => order.Add("before"));
            TransactionEvents.AfterCommit(() => order.Add("after"));
            scope.Complete();
        }
        Assert.Equal(new[] { "before", "after" }, order);

        var after = 0;
        var aborted = Scope();
        await using (var conn = new NpgsqlConnection(Db.EnlistingConnectionString))
        {
            await conn.OpenAsync();
            await Db.InsertAsync(conn, table, 1);
            TransactionEvents.BeforeCommit(() => throw new InvalidOperationException("validation failed"));
            TransactionEvents.AfterCommit(() => after++);
            aborted.Complete();
        }
        var ex = Assert.Throws<TransactionAbortedException>(() => aborted.Dispose());
        Assert.Equal("validation failed", ex.InnerException?.Message);
        Assert.Equal(0, after);
        Assert.Equal(0, await Db.CountAsync(table));
    }

    [Fact]
    public void Order_and_prepend_hold_for_the_scope()
    {
        var order = new List<string>();
        using (var scope = Scope())
        {
            TransactionEvents.AfterCommit(() => order.Add("a"));
            TransactionEvents.AfterCommit(() => order.Add("first"), prepend: true);
            TransactionEvents.AfterCommit(() => order.Add("b"));
            scope.Complete();
        }
        Assert.Equal(new[] { "first", "a", "b" }, order);
    }

    [Fact]
    public void Marked_ambient_wrapper_is_transparent()
    {
        using var scope = Scope();
        using var _ = JobSafetyTest.WrapperTransaction();
        Assert.False(TransactionTracking.IsInsideTransaction);
        SideEffects.Check(SideEffectCategory.Http, "GET example.com");
        var runs = 0;
        TransactionEvents.AfterCommit(() => runs++);
        Assert.Equal(1, runs);
    }
}
