using System.Data;
using JobSafety.AdoNet;
using JobSafety.Runtime.Tests.Support;
using JobSafety.Tests.Infrastructure;
using Npgsql;

namespace JobSafety.Runtime.Tests.AdoNet;

public class WrapperTests
{
    [Fact]
    public async Task Wrapped_objects_forward_to_Npgsql_sync_and_async()
    {
        var table = await Db.CreateTableAsync();
        await using var conn = Db.Source.CreateConnection();
        Assert.IsType<JobSafetyConnection>(conn);
        Assert.Equal(ConnectionState.Closed, conn.State);
        var states = new List<ConnectionState>();
        conn.StateChange += (_, e) => states.Add(e.CurrentState);
        await conn.OpenAsync();
        Assert.Equal(ConnectionState.Open, conn.State);
        Assert.Equal("postgres", conn.Database);
        Assert.False(string.IsNullOrEmpty(conn.ServerVersion));
        Assert.Contains(ConnectionState.Open, states);

        using var tx = conn.BeginTransaction(IsolationLevel.Serializable);
        Assert.Equal(IsolationLevel.Serializable, tx.IsolationLevel);
        Assert.Same(conn, tx.Connection);
        Assert.True(tx.SupportsSavepoints);

        // cmd.Transaction = wrappedTx must work, and the command must run inside the transaction.
        await using var insert = conn.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} (id, v) VALUES (@id, @v)";
        var p = insert.CreateParameter();
        p.ParameterName = "id";
        p.Value = 1;
        insert.Parameters.Add(p);
        insert.Parameters.Add(new NpgsqlParameter("v", "one"));
        insert.Transaction = tx;
        Assert.Same(tx, insert.Transaction);
        Assert.Same(conn, insert.Connection);
        Assert.Equal(1, insert.ExecuteNonQuery());

        await using var select = conn.CreateCommand();
        select.CommandText = $"SELECT v FROM {table} WHERE id = 1";
        await using (var reader = await select.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("one", reader.GetString(0));
        }
        Assert.Equal(0L, await Db.CountAsync(table)); // not visible outside yet
        tx.Commit();
        Assert.Equal(1L, await Db.CountAsync(table));
        await conn.CloseAsync();
        Assert.Equal(ConnectionState.Closed, conn.State);
    }

    [Fact]
    public async Task Command_connection_assignment_unwraps_and_DbCommand_from_the_data_source_works()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        // A wrapper command takes the wrapper connection (and unwraps it for Npgsql).
        await using var wrapped = conn.CreateCommand();
        wrapped.Connection = conn;
        wrapped.CommandText = "SELECT 42";
        Assert.Equal(42, await wrapped.ExecuteScalarAsync());
        await using var fromSource = Db.Source.CreateCommand("SELECT 7");
        Assert.Equal(7, await fromSource.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Casting_the_wrapper_to_NpgsqlConnection_fails_as_documented()
    {
        await using var conn = await Db.Source.OpenConnectionAsync();
        Assert.Throws<InvalidCastException>(() => (NpgsqlConnection)(object)conn);
        Assert.IsType<NpgsqlConnection>(((JobSafetyConnection)conn).Inner);
    }

    [Fact]
    public void Sync_savepoints_and_rollback_are_forwarded()
    {
        using var conn = Db.Source.OpenConnection();
        using var tx = conn.BeginTransaction();
        var ran = new List<string>();
        tx.Save("a");
        TransactionEvents.AfterCommit(() => ran.Add("dropped"));
        tx.Rollback("a");
        tx.Rollback();
        Assert.Empty(ran);
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Wrapping_a_single_connection_tracks_its_transactions()
    {
        await using var raw = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres()) { Enlist = false }.ConnectionString);
        await using var conn = raw.WithJobSafety();
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Assert.True(TransactionTracking.IsInsideTransaction);
        Assert.Same(((JobSafetyTransaction)tx).Tracked, TransactionTracking.Find(tx));
        Assert.Equal("Npgsql", ((JobSafetyTransaction)tx).Tracked.Provider);
    }

    [Fact]
    public void Guard_fast_path_allocates_nothing_when_no_transaction_is_open()
    {
        SideEffects.Check(SideEffectCategory.Enqueue, "warm-up");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: X");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
