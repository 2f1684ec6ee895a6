using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Distributed;

public interface IDbSession
{
    Task StartTransactionAsync(CancellationToken cancellationToken = default);
    Task CommitTransactionAsync(CancellationToken cancellationToken = default);
    Task RollbackTransactionAsync(CancellationToken cancellationToken = default);
}

public interface ISugarWork { void BeginTran(); void CommitTran(); void RollbackTran(); }

public interface IUnitOfWork<TDb> { Task SaveAsync(); Task StartTransactionAsync(); Task RollBackAsync(); Task CommitAsync(); }

public sealed class MenuDb { }

public class MenuService
{
    private readonly IDbSession _session;
    private readonly ISugarWork _sugar;
    private readonly IUnitOfWork<MenuDb> _work;
    private readonly IDistributedCache _cache;
    public MenuService(IDbSession session, ISugarWork sugar, IUnitOfWork<MenuDb> work, IDistributedCache cache) { _session = session; _sugar = sugar; _work = work; _cache = cache; }

    public async Task Rename(string id, CancellationToken ct)
    {
        await _session.StartTransactionAsync(ct);
        try
        {
            await _cache.RemoveAsync("menu:" + id, ct);
            await _session.CommitTransactionAsync(ct);
        }
        catch
        {
            await _session.RollbackTransactionAsync(ct);
            throw;
        }

        await _cache.RemoveAsync("menu:" + id, ct);
    }

    public void Hide(string id)
    {
        _sugar.BeginTran();
        try
        {
            _cache.Remove("menu:" + id);
            _sugar.CommitTran();
        }
        catch
        {
            _sugar.RollbackTran();
            throw;
        }

        _cache.Remove("menu:" + id);
    }

    public async Task Move(string id)
    {
        await _work.StartTransactionAsync();
        try
        {
            await _work.SaveAsync();
            await _cache.RemoveAsync("menu:" + id);
            await _work.CommitAsync();
        }
        catch
        {
            await _work.RollBackAsync();
            throw;
        }

        await _cache.RemoveAsync("menu:" + id);
    }
}