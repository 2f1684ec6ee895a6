using System;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using RabbitMQ.Client;

public class SalesContext : DbContext
{
    private IDbContextTransaction? _current;

    public async Task<IDbContextTransaction?> StartAsync()
    {
        if (_current is not null) return null;
        _current = await Database.BeginTransactionAsync();
        return _current;
    }

    public async Task FinishAsync(IDbContextTransaction transaction)
    {
        if (transaction != _current) throw new InvalidOperationException();
        try
        {
            await SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catch
        {
            _current?.Rollback();
            throw;
        }
        finally
        {
            _current?.Dispose();
            _current = null;
        }
    }
}

public interface IEventBus { Task Publish(string name, byte[] body); }

public sealed class RabbitEventBus : IEventBus
{
    private readonly IChannel _channel;
    public RabbitEventBus(IChannel channel) => _channel = channel;
    public async Task Publish(string name, byte[] body) => await _channel.BasicPublishAsync("events", name, body);
}

public class IntegrationEvents
{
    private readonly IEventBus _bus;
    public IntegrationEvents(IEventBus bus) => _bus = bus;
    public async Task FlushAsync(Guid id) => await _bus.Publish("sales." + id, Array.Empty<byte>());
}

public class TransactionStep<TResponse>
{
    private readonly SalesContext _db;
    private readonly IntegrationEvents _events;
    public TransactionStep(SalesContext db, IntegrationEvents events) { _db = db; _events = events; }

    public async Task<TResponse> Handle(Func<Task<TResponse>> next)
    {
        TResponse response = default!;
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await _db.StartAsync();
            response = await next();
            await _events.FlushAsync(Guid.NewGuid());
            await _db.FinishAsync(transaction!);
            await _events.FlushAsync(Guid.Empty);
        });
        return response;
    }
}