using Hangfire;
using Npgsql;

await using var conn = new NpgsqlConnection("Host=db");
await conn.OpenAsync();
using var tx = conn.BeginTransaction();
BackgroundJob.Enqueue(() => Jobs.Recalculate(7));
tx.Commit();

public static class Jobs
{
    public static void Recalculate(int id) { }
}
