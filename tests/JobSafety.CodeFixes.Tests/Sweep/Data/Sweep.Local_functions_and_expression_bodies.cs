using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hangfire;
using Npgsql;

public class Notifications
{
    public static void Push(int id) { }

    public void LocalFunction(NpgsqlConnection conn, List<int> ids)
    {
        using var tx = conn.BeginTransaction();
        Notify(ids[0]);
        tx.Commit();

        void Notify(int id) => BackgroundJob.Enqueue(() => Push(id));
    }

    public void ExpressionLambda(NpgsqlConnection conn, List<int> ids)
    {
        using var tx = conn.BeginTransaction();
        ids.ForEach(id => BackgroundJob.Enqueue(() => Push(id)));
        tx.Commit();
    }

    public void ExpressionBodied(NpgsqlConnection conn, int id) => Within(conn, () => BackgroundJob.Enqueue(() => Push(id)));

    private static void Within(NpgsqlConnection conn, System.Action work)
    {
        using var tx = conn.BeginTransaction();
        work();
        tx.Commit();
    }

    public async Task AsyncLocal(NpgsqlConnection conn, int id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await SendAsync();
        await tx.CommitAsync();

        async Task SendAsync()
        {
            await Task.Yield();
            BackgroundJob.Enqueue(() => Push(id));
        }
    }
}
