using System;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

public interface IAmbientWork : IAsyncDisposable
{
    DbTransaction Transaction { get; }
    Task CommitAsync(CancellationToken ct = default);
    Task RollbackAsync(CancellationToken ct = default);
}

public interface IWorkFactory { Task<IAmbientWork> StartAsync(CancellationToken ct = default); }

public class StockDb : DbContext { }

public class AuditTrail
{
    private readonly StockDb _db;
    public AuditTrail(StockDb db) { _db = db; }

    public Task RecordAsync(string what, IDbContextTransaction transaction)
    {
        _db.Database.UseTransaction(transaction.GetDbTransaction());
        return _db.SaveChangesAsync();
    }
}

public class ShelfRows
{
    private readonly StockDb _db;
    public ShelfRows(StockDb db) { _db = db; }
    public void Write(int shelf, DbTransaction tx) { _db.Database.UseTransaction(tx); _db.SaveChanges(); }
}

public class Restocking
{
    private readonly StockDb _db;
    private readonly NpgsqlConnection _connection;
    private readonly IWorkFactory _work;
    private readonly AuditTrail _audit;
    private readonly ShelfRows _rows;
    private readonly IPublishEndpoint _bus;
    private readonly IBackgroundJobClient _jobs;

    public Restocking(StockDb db, NpgsqlConnection connection, IWorkFactory work, AuditTrail audit, ShelfRows rows, IPublishEndpoint bus, IBackgroundJobClient jobs)
    {
        _db = db; _connection = connection; _work = work; _audit = audit; _rows = rows; _bus = bus; _jobs = jobs;
    }

    public static void Recount(int shelf) { }

    public async Task Shared(int shelf, CancellationToken ct)
    {
        await _connection.OpenAsync(ct);
        await using var transaction = await _connection.BeginTransactionAsync(ct);
        await _db.Database.UseTransactionAsync(transaction, ct);
        await _db.SaveChangesAsync(ct);
        _jobs.Enqueue(() => Recount(shelf));
        await transaction.CommitAsync(ct);
        _jobs.Enqueue(() => Recount(shelf));
    }

    public async Task Wrapped(int shelf, CancellationToken ct)
    {
        await using var work = await _work.StartAsync(ct);
        try
        {
            _db.Database.UseTransaction(work.Transaction);
            await _db.SaveChangesAsync(ct);
            await _bus.Publish(new { Shelf = shelf }, ct);
            await work.CommitAsync(ct);
        }
        catch
        {
            await work.RollbackAsync(ct);
            throw;
        }

        await _bus.Publish(new { Shelf = shelf }, ct);
    }

    public async Task Logged(int shelf)
    {
        await using var transaction = await _db.Database.BeginTransactionAsync();
        await _audit.RecordAsync("restock", transaction);
        await transaction.CommitAsync();
        await _bus.Publish(new { Shelf = shelf });
    }

    public void Rows(int shelf)
    {
        _connection.Open();
        using var tx = _connection.BeginTransaction();
        _rows.Write(shelf, tx);
        tx.Commit();
        _jobs.Enqueue(() => Recount(shelf));
    }
}