using System.Data;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Caching.Distributed;

public interface IConnectionFactory { IDbConnection Create(); }

public sealed class Database
{
    private readonly IConnectionFactory _factory;
    private IDbConnection? _connection;
    private IDbTransaction? _transaction;
    public Database(IConnectionFactory factory) { _factory = factory; }
    private IDbConnection Connection => _connection ??= _factory.Create();
    public void BeginTransaction(IsolationLevel isolation = IsolationLevel.ReadCommitted) => _transaction ??= Connection.BeginTransaction(isolation);
    public void CommitTransaction() { _transaction?.Commit(); _transaction = null; }
    public void RollbackTransaction() { _transaction?.Rollback(); _transaction = null; }
}

public static class AppJobs
{
    public static void Recalculate(int id) { }
    public static string EnqueueRecalculation(this IBackgroundJobClient jobs, int id) => jobs.Enqueue(() => Recalculate(id));
    public static Task ForgetBasketAsync(this IDistributedCache cache, int id) => cache.RemoveAsync("basket:" + id);
}

public class BasketService
{
    private readonly Database _db;
    private readonly IBackgroundJobClient _jobs;
    private readonly IDistributedCache _cache;
    public BasketService(Database db, IBackgroundJobClient jobs, IDistributedCache cache) { _db = db; _jobs = jobs; _cache = cache; }

    public async Task Checkout(int id)
    {
        _db.BeginTransaction();
        try
        {
            _jobs.EnqueueRecalculation(id); await _cache.ForgetBasketAsync(id);
            _db.CommitTransaction();
        }
        catch
        {
            _db.RollbackTransaction();
            throw;
        }

        _jobs.EnqueueRecalculation(id);
        await _cache.ForgetBasketAsync(id);
    }
}

public class BasketFlush
{
    private readonly Microsoft.EntityFrameworkCore.DbContext _db;
    private readonly IDistributedCache _cache;
    private Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? _tx;
    public BasketFlush(Microsoft.EntityFrameworkCore.DbContext db, IDistributedCache cache) { _db = db; _cache = cache; }

    public async Task Flush(int id)
    {
        _tx ??= await _db.Database.BeginTransactionAsync();
        await _db.SaveChangesAsync();
        await _cache.ForgetBasketAsync(id);
        await _tx.CommitAsync();
        _tx = null;
        await _cache.ForgetBasketAsync(id);
    }
}