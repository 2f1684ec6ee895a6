using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

public class BoardDb : DbContext { }

public sealed class ScoreCache
{
    private readonly IDatabase _redis;
    public ScoreCache(IDatabase redis) { _redis = redis; }

    public async Task ResetAsync(string board)
    {
        var transaction = _redis.CreateTransaction();
        _ = transaction.KeyDeleteAsync($"board:{board}");
        _ = transaction.SortedSetAddAsync($"boards", board, 0);
        await transaction.ExecuteAsync();
    }

    public void Touch(string board)
    {
        var batch = _redis.CreateBatch();
        _ = batch.KeyExpireAsync($"board:{board}", System.TimeSpan.FromMinutes(5));
        batch.Execute();
    }

    public static void Stage(ITransaction transaction, string board) => transaction.KeyDeleteAsync($"board:{board}");
}

public class Boards
{
    private readonly BoardDb _db;
    private readonly ScoreCache _cache;
    public Boards(BoardDb db, ScoreCache cache) { _db = db; _cache = cache; }

    public async Task ClearAsync(string board)
    {
        await using (var tx = await _db.Database.BeginTransactionAsync())
        {
            await _db.SaveChangesAsync();
            await _cache.ResetAsync(board); _cache.Touch(board);
            await tx.CommitAsync();
        }

        await _cache.ResetAsync(board);
        _cache.Touch(board);
    }
}