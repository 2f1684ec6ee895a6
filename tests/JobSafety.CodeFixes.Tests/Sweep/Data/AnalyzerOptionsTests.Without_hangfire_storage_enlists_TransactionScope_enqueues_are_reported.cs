using System.Transactions;
using Hangfire;
using Npgsql;
public class S
{
    public void InScope(IBackgroundJobClient client)
    {
        using var scope = new TransactionScope();
        BackgroundJob.Enqueue(() => Jobs.Run(1));
        client.Enqueue(() => Jobs.Run(2));
        scope.Complete();
    }

    public void InDbTransaction(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        BackgroundJob.Enqueue(() => Jobs.Run(3));
        tx.Commit();
    }

    public void Both(NpgsqlConnection conn)
    {
        using var scope = new TransactionScope();
        using var tx = conn.BeginTransaction();
        BackgroundJob.Enqueue(() => Jobs.Run(4));
        tx.Commit();
        scope.Complete();
    }
}
public static class Jobs { public static void Run(int id) { } }