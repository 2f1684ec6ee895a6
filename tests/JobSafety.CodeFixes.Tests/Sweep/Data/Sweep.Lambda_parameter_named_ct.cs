using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

public class ShopDb : DbContext { }

public class Checkout
{
    private readonly ShopDb _db;
    private readonly HttpClient _http;
    public Checkout(ShopDb db, HttpClient http) { _db = db; _http = http; }

    public Task Pay(int orderId, CancellationToken ct)
    {
        var strategy = _db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            await using var tx = await _db.Database.BeginTransactionAsync(ct);
            await _db.SaveChangesAsync(ct);
            await _http.PostAsync("https://pay/" + orderId, null, ct);
            await tx.CommitAsync(ct);
        });
    }

    public async Task Refund(int orderId)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _http.DeleteAsync("https://pay/" + orderId);
        await _db.SaveChangesAsync();
        var ct = CancellationToken.None;
        await tx.CommitAsync(ct);
    }

    public async Task Retry(int orderId)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _http.DeleteAsync("https://pay/" + orderId);
        await Task.WhenAll(new[] { 1, 2 }.Select(async ct => { await Task.Delay(ct); }));
        await tx.CommitAsync();
    }
}
