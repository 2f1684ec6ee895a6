using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;

public interface IEntity { int Id { get; } }
public sealed class Product : IEntity { public int Id { get; set; } public decimal Price { get; set; } }

public interface IRepository<T> where T : class, IEntity { Task UpdateAsync(T entity); }

public sealed class EfRepository<T> : IRepository<T> where T : class, IEntity
{
    private readonly DbContext _db;
    public EfRepository(DbContext db) { _db = db; }
    public async Task UpdateAsync(T entity) { _db.Update(entity); await _db.SaveChangesAsync(); }
}

public sealed class CachedRepository<T> : IRepository<T> where T : class, IEntity
{
    private readonly IRepository<T> _inner;
    private readonly IDistributedCache _cache;
    public CachedRepository(IRepository<T> inner, IDistributedCache cache) { _inner = inner; _cache = cache; }
    public async Task UpdateAsync(T entity)
    {
        await _inner.UpdateAsync(entity);
        await _cache.RemoveAsync(typeof(T).Name + ":" + entity.Id);
    }
}

public interface INotifier { Task PriceChanged(int id); }
public sealed class SmtpNotifier : INotifier
{
    private readonly System.Net.Mail.SmtpClient _smtp;
    public SmtpNotifier(System.Net.Mail.SmtpClient smtp) { _smtp = smtp; }
    public Task PriceChanged(int id) => _smtp.SendMailAsync("shop@shop.invalid", "buyers@shop.invalid", "Price", id.ToString());
}

public sealed class LoggingNotifier : INotifier
{
    private readonly INotifier _inner;
    private readonly Microsoft.Extensions.Logging.ILogger<LoggingNotifier> _log;
    public LoggingNotifier(INotifier inner, Microsoft.Extensions.Logging.ILogger<LoggingNotifier> log) { _inner = inner; _log = log; }
    public async Task PriceChanged(int id)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(_log, "notify {Id}", id);
        await _inner.PriceChanged(id);
    }
}

public interface IStockFeed { Task Push(int id); }
public sealed class QuietFeed : IStockFeed { public Task Push(int id) => Task.CompletedTask; }
public sealed class WebhookFeed : IStockFeed
{
    private readonly HttpClient _http;
    public WebhookFeed(HttpClient http) { _http = http; }
    public Task Push(int id) => _http.PostAsync("https://feed.invalid/" + id, null);
}

public class Pricing
{
    private readonly DbContext _db;
    private readonly IRepository<Product> _products;
    private readonly IStockFeed _feed;
    private readonly INotifier _notifier;
    public Pricing(DbContext db, IRepository<Product> products, IStockFeed feed, INotifier notifier) { _db = db; _products = products; _feed = feed; _notifier = notifier; }

    public async Task Reprice(Product product)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _feed.Push(product.Id);
        await _products.UpdateAsync(product); await _notifier.PriceChanged(product.Id);
        await tx.CommitAsync();
        await _products.UpdateAsync(product);
        await _notifier.PriceChanged(product.Id);
    }
}