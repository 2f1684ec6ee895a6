using System.Collections.Generic;
using Hangfire;
using Npgsql;

public class Digest
{
    public static void Send(int id) { }

    public void ForLoop(NpgsqlConnection conn, int[] ids)
    {
        using var tx = conn.BeginTransaction();
        for (var i = 0; i < ids.Length; i++)
        {
            BackgroundJob.Enqueue(() => Send(ids[i]));
        }

        tx.Commit();
    }

    public void ForEachLoop(NpgsqlConnection conn, List<int> ids)
    {
        using var tx = conn.BeginTransaction();
        foreach (var id in ids)
        {
            if (id < 0) continue;
            BackgroundJob.Enqueue(() => Send(id));
        }

        tx.Commit();
    }

    public void ChangedAfter(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        var target = id;
        BackgroundJob.Enqueue(() => Send(target));
        target = -1;
        tx.Commit();
    }

    public void WhileLoop(NpgsqlConnection conn, Queue<int> queue)
    {
        using var tx = conn.BeginTransaction();
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            BackgroundJob.Enqueue(() => Send(next));
        }

        tx.Commit();
    }
}
