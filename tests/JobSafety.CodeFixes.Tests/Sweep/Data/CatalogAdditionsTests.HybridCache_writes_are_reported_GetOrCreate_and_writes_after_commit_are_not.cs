using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Hybrid;

public record Product(int Id, decimal Price);

public class Catalog
{
    private readonly HybridCache _cache;
    public Catalog(HybridCache cache) { _cache = cache; }

    public async Task Reprice(Npgsql.NpgsqlConnection conn, Product product)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var current = await _cache.GetOrCreateAsync($"product:{product.Id}", _ => new System.Threading.Tasks.ValueTask<Product>(product));
        await _cache.SetAsync($"product:{product.Id}", product);
        await _cache.RemoveAsync("products:all");
        await _cache.RemoveByTagAsync("pricing");
        await tx.CommitAsync();
        await _cache.RemoveByTagAsync("pricing");
        await _cache.SetAsync($"product:{product.Id}", product);
    }
}