using System;
using System.Threading.Tasks;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

public record BatchClosed(int Id);

public class BatchCloser
{
    private readonly NpgsqlDataSource _source;
    private readonly IPublishEndpoint _bus;
    private readonly ILogger<BatchCloser> _log;
    public BatchCloser(NpgsqlDataSource source, IPublishEndpoint bus, ILogger<BatchCloser> log) { _source = source; _bus = bus; _log = log; }

    public async Task Close(int id)
    {
        await using var conn = await _source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        try
        {
            await Note("closing");
            await _bus.Publish(new BatchClosed(0));
            await FinishAsync();
        }
        catch (Exception ex)
        {
            await AbandonAsync(ex);
            await _bus.Publish(new BatchClosed(-id));
            throw;
        }

        await _bus.Publish(new BatchClosed(id));

        async Task FinishAsync()
        {
            await tx.CommitAsync();
            _log.LogInformation("batch {Id} closed", id);
        }

        async Task AbandonAsync(Exception ex)
        {
            _log.LogError(ex, "batch {Id} failed", id);
            await tx.RollbackAsync();
        }

        Task Note(string what)
        {
            _log.LogInformation("{What} {Id}", what, id);
            return Task.CompletedTask;
        }
    }
}