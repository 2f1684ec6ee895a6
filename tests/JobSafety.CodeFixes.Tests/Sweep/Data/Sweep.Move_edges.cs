using System;
using System.Threading.Tasks;
using Hangfire;
using Npgsql;

public class Moves
{
    public static void Run(int id) { }

    public void LocalFunctionReadsIt(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        var jobId = BackgroundJob.Enqueue(() => Run(1));
        void Log() => Console.WriteLine(jobId);
        tx.Commit();
        Log();
    }

    public void LocalFunctionCalledBefore(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        var jobId = BackgroundJob.Enqueue(() => Run(1));
        Log();
        tx.Commit();

        void Log() => Console.WriteLine(jobId);
    }

    public void LambdaReadsItLater(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        var jobId = BackgroundJob.Enqueue(() => Run(1));
        Action log = () => Console.WriteLine(jobId);
        tx.Commit();
        log();
    }

    public void DeclaresUsedAfter(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        var jobId = BackgroundJob.Enqueue(() => Run(id));
        var other = id + 1;
        tx.Commit();
        Console.WriteLine(jobId + other);
    }

    public void ReadsDeclaredBetween(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        var next = id + 1;
        BackgroundJob.Enqueue(() => Run(next));
        using var cmd = new NpgsqlCommand("update x", conn, tx);
        cmd.ExecuteNonQuery();
        tx.Commit();
    }

    public async Task CommitWithConfigureAwait(NpgsqlConnection conn, int id)
    {
        await using var tx = await conn.BeginTransactionAsync().ConfigureAwait(false);
        BackgroundJob.Enqueue(() => Run(id)); // trailing comment
#pragma warning disable CS0162
        await tx.CommitAsync().ConfigureAwait(false);
#pragma warning restore CS0162
    }

    public void TwoTransactions(NpgsqlConnection conn, int id)
    {
        using var first = conn.BeginTransaction();
        BackgroundJob.Enqueue(() => Run(id));
        first.Commit();
        using var second = conn.BeginTransaction();
        BackgroundJob.Enqueue(() => Run(-id));
        second.Commit();
    }

    public void CommitLastInBlock(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        BackgroundJob.Enqueue(() => Run(id));
        tx.Commit(); }
}
