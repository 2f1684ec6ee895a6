using System;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

public interface ITxWrapper : IAsyncDisposable
{
    Task CommitAsync();
    Task RollbackAsync();
}

public sealed class AutoRollbackTx : ITxWrapper
{
    private readonly IDbContextTransaction _transaction;
    private bool _committed;
    public AutoRollbackTx(IDbContextTransaction transaction) { _transaction = transaction; }
    public async Task CommitAsync() { await _transaction.CommitAsync(); _committed = true; }
    public Task RollbackAsync() => _transaction.RollbackAsync();
    public async ValueTask DisposeAsync()
    {
        if (!_committed) await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
    }
}

public class TradeDb : DbContext
{
    public async Task<ITxWrapper> BeginWrappedAsync() => new AutoRollbackTx(await Database.BeginTransactionAsync());
}

public class TokenService
{
    private readonly TradeDb _db;
    private readonly HttpClient _http;
    public TokenService(TradeDb db, HttpClient http) { _db = db; _http = http; }

    public async Task Refresh(string user)
    {
        await using var tx = await _db.BeginWrappedAsync();
        await _db.SaveChangesAsync();
        await _http.PostAsync($"/tokens/{user}/refreshing", null);
        await tx.CommitAsync();
        await _http.PostAsync($"/tokens/{user}/refreshed", null);
    }
}