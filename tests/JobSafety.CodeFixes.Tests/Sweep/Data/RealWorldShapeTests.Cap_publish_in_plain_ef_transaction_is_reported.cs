using System.Threading.Tasks;
using DotNetCore.CAP;
using Microsoft.EntityFrameworkCore;

public class ShopContext : DbContext { }

public class EventHelper
{
    private readonly ICapPublisher _bus;
    private readonly ShopContext _db;
    public EventHelper(ICapPublisher bus, ShopContext db) { _bus = bus; _db = db; }

    public async Task RaiseAsync<T>(string name, T payload)
    {
        using var tx = await _db.Database.BeginTransactionAsync();
        await _bus.PublishAsync(name, payload);
        tx.Commit();
        await _bus.PublishAsync(name + ".done", payload);
    }
}