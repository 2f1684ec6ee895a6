using System.Threading.Tasks;
using Npgsql;
using StackExchange.Redis;

public class Counter
{
    public async Task Bump(IDatabase redis)
    {
        var batch = redis.CreateTransaction();
        _ = batch.StringIncrementAsync("a");
        await batch.ExecuteAsync();
    }

    public async Task BumpInTx(NpgsqlConnection conn, IDatabase redis)
    {
        using var tx = conn.BeginTransaction();
        await redis.StringSetAsync("a", 1);
        tx.Commit();
    }
}