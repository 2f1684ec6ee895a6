using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

public class AppDb : DbContext { }
public interface IClientFactory { HttpClient CreateClient(string name); }

public class WebhookService
{
    private readonly AppDb _db;
    private readonly IClientFactory _factory;
    public WebhookService(AppDb db, IClientFactory factory) { _db = db; _factory = factory; }

    public async Task Deliver(int id)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        var client = _factory.CreateClient("hooks");
        await client.PostAsync("https://hooks.invalid/" + id, null);
        await _db.SaveChangesAsync();
        await tx.CommitAsync();
        await client.PostAsync("https://hooks.invalid/done/" + id, null);
    }
}