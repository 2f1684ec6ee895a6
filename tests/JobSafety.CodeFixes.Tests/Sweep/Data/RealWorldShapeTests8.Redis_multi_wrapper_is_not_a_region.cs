using System.Threading.Tasks;
using Npgsql;
using StackExchange.Redis;

public class RedisTransactions
{
    private readonly ITransaction _transaction;
    public RedisTransactions(IDatabase db) { _transaction = db.CreateTransaction(); }
    public IDatabaseAsync Db => _transaction;
    public void AddCondition(Condition condition) => _transaction.AddCondition(condition);
    public Task<bool> ExecuteAsync() => _transaction.ExecuteAsync();
}

public class ScoreBoard
{
    private readonly IDatabase _redis;
    public ScoreBoard(IDatabase redis) { _redis = redis; }

    public async Task Bump(string player)
    {
        var multi = new RedisTransactions(_redis);
        multi.AddCondition(Condition.KeyExists("board"));
        _ = multi.Db.SortedSetIncrementAsync("board", player, 1);
        await multi.ExecuteAsync();
        await _redis.StringSetAsync("last", player);
    }

    public async Task BumpAndStore(NpgsqlConnection conn, string player)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await _redis.StringSetAsync("last", player);
        await tx.CommitAsync();
    }
}