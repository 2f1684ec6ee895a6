using System;
using System.Threading.Tasks;
using System.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

public class CatalogDb : DbContext { }

public interface ICatalogWork
{
    Task<IDbContextTransaction> BeginTransactionAsync();
    Task<int> SaveAsync();
}

public class CatalogWork : ICatalogWork
{
    private readonly CatalogDb _db;
    public CatalogWork(CatalogDb db) { _db = db; }
    public Task<IDbContextTransaction> BeginTransactionAsync() => _db.Database.BeginTransactionAsync();
    public Task<int> SaveAsync() => _db.SaveChangesAsync();
}

public interface IOpsAlerts { Task RaiseAsync(string what, string? detail); }

public class ShippingMethods
{
    private readonly ICatalogWork _work;
    private readonly IBackgroundJobClient _jobs;
    private readonly IOpsAlerts _alerts;
    public ShippingMethods(ICatalogWork work, IBackgroundJobClient jobs, IOpsAlerts alerts) { _work = work; _jobs = jobs; _alerts = alerts; }

    public async Task<bool> Rename(int id)
    {
        try
        {
            using var transaction = await _work.BeginTransactionAsync();
            await _work.SaveAsync();
            await transaction.CommitAsync();
            return true;
        }
        catch (Exception ex)
        {
            _jobs.Enqueue(() => _alerts.RaiseAsync("rename failed", ex.Message));
            return false;
        }
    }

    public void Archive(int id)
    {
        try
        {
            using (var scope = new TransactionScope())
            {
                scope.Complete();
            }
        }
        catch (Exception ex)
        {
            _jobs.Enqueue(() => _alerts.RaiseAsync("archive failed", ex.Message));
        }
    }

    public async Task<bool> Retire(int id)
    {
        var transaction = await _work.BeginTransactionAsync();
        try
        {
            await _work.SaveAsync();
            await transaction.CommitAsync();
            return true;
        }
        catch (Exception ex)
        {
            _jobs.Enqueue(() => _alerts.RaiseAsync("retire failed", ex.Message)); await transaction.RollbackAsync();
            return false;
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }
}