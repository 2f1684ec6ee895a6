using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

public sealed class TxHandle : IAsyncDisposable
{
    private readonly IDbContextTransaction _inner;
    public TxHandle(IDbContextTransaction inner) { _inner = inner; }
    public Task CommitAsync(CancellationToken ct) => _inner.CommitAsync(ct);
    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

public static class DbContextTxExtensions
{
    public static async Task<TxHandle> OpenTxAsync(this DbContext db, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        return new TxHandle(tx);
    }
}

public class ShopDb : DbContext { }

public class PriceService
{
    private readonly ShopDb _db;
    private readonly HttpClient _http;
    public PriceService(ShopDb db, HttpClient http) { _db = db; _http = http; }

    public async Task Reprice(int id, CancellationToken ct)
    {
        await using (var tx = await _db.OpenTxAsync(ct))
        {
            await _db.SaveChangesAsync(ct);
            await _http.PostAsync("https://search.invalid/reindex/" + id, null, ct);
            await tx.CommitAsync(ct);
        }

        await _http.PostAsync("https://search.invalid/reindex/" + id, null, ct);
    }
}