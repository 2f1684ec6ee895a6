using System;
using System.Collections.Generic;
using System.Net.Mail;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;

public interface ITxScope : IDisposable
{
    void QueueCompletionTask(Func<Task> action);
    Task CompleteAsync();
}

public interface ITxScopeManager { ITxScope Create(DbContext db); }

public sealed class PrimaryTxScope : ITxScope
{
    private readonly Queue<Func<Task>> _onComplete = new();
    private TransactionScope? _inner;
    public PrimaryTxScope(Func<TransactionScope> factory) { _inner = factory(); }

    public void QueueCompletionTask(Func<Task> action) => _onComplete.Enqueue(action);

    public async Task CompleteAsync()
    {
        _inner?.Complete();
        Release();
        while (_onComplete.Count > 0)
        {
            await _onComplete.Dequeue()();
        }
    }

    public void Dispose() => Release();

    private void Release()
    {
        var inner = _inner;
        _inner = null;
        inner?.Dispose();
    }
}

public sealed class TxScopeManager : ITxScopeManager
{
    public ITxScope Create(DbContext db) =>
        new PrimaryTxScope(() => new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled));
}

public class CmsDb : DbContext { }

public class PageCommands
{
    private readonly CmsDb _db;
    private readonly ITxScopeManager _scopes;
    private readonly IDistributedCache _cache;
    private readonly SmtpClient _smtp;
    public PageCommands(CmsDb db, ITxScopeManager scopes, IDistributedCache cache, SmtpClient smtp) { _db = db; _scopes = scopes; _cache = cache; _smtp = smtp; }

    public async Task Delete(int pageId)
    {
        using (var scope = _scopes.Create(_db))
        {
            await _db.SaveChangesAsync();
            await _cache.RemoveAsync("page:" + pageId); await _smtp.SendMailAsync("cms@site.invalid", "editors@site.invalid", "Deleting", pageId.ToString());
            scope.QueueCompletionTask(() => _cache.RemoveAsync("page:" + pageId));
            scope.QueueCompletionTask(() => _smtp.SendMailAsync("cms@site.invalid", "editors@site.invalid", "Deleted", pageId.ToString()));
            await scope.CompleteAsync();
        }

        await _cache.RemoveAsync("pages");
    }
}