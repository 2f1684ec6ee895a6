using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

public interface ITransactionService { Task BeginAsync(); Task CommitAsync(); Task RollbackAsync(); }

public class AccountsDb : DbContext { }

public sealed class TransactionService(AccountsDb db) : ITransactionService
{
    public async Task BeginAsync() => await db.Database.BeginTransactionAsync();

    public async Task CommitAsync()
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await db.Database.CommitTransactionAsync();
        }
    }

    public async Task RollbackAsync()
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await db.Database.RollbackTransactionAsync();
        }
    }
}

public static class CommitOnDispose
{
    public sealed class Work : IAsyncDisposable
    {
        private IDbContextTransaction? _tx;
        public Work(IDbContextTransaction tx) { _tx = tx; }
        public async ValueTask DisposeAsync()
        {
            if (_tx != null)
            {
                await _tx.CommitAsync();
            }
        }

        public async ValueTask RollbackAsync()
        {
            await _tx!.RollbackAsync();
            _tx = null;
        }
    }

    public static async Task<Work> WorkAsync(this DbContext db, CancellationToken ct = default) =>
        new Work(await db.Database.BeginTransactionAsync(ct));
}

public class Accounts(AccountsDb db, ITransactionService transactions, StackExchange.Redis.IDatabase redis)
{
    public async Task Close(int id)
    {
        await transactions.BeginAsync();
        try
        {
            await db.SaveChangesAsync();
            await redis.KeyDeleteAsync("account:" + id);
            await transactions.CommitAsync();
        }
        catch
        {
            await transactions.RollbackAsync();
            throw;
        }

        await redis.KeyDeleteAsync("account:" + id);
    }

    public async Task Freeze(int id)
    {
        await using (var work = await db.WorkAsync())
        {
            await db.SaveChangesAsync();
            await redis.KeyDeleteAsync("account:" + id);
        }

        await redis.KeyDeleteAsync("account:" + id);
    }
}