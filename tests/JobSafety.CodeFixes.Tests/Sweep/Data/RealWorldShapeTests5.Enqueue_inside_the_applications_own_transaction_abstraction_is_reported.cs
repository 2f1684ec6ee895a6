using System;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;

public interface ITransaction : IAsyncDisposable
{
    Task CommitAsync(CancellationToken ct = default);
    Task RollbackAsync(CancellationToken ct = default);
}

public interface IUnitOfWork
{
    Task<int> SaveChangesAsync(CancellationToken ct = default);
    Task<ITransaction> BeginTransactionAsync(CancellationToken ct = default);
}

public interface ILedgerWork
{
    Task<ITransaction> BeginTransactionAsync();
    Task CommitTransactionAsync();
    Task RollbackTransactionAsync();
}

public class TicketSales
{
    private readonly IUnitOfWork _unitOfWork;
    private readonly ILedgerWork _ledger;
    private readonly IBackgroundJobClient _jobs;
    public TicketSales(IUnitOfWork unitOfWork, ILedgerWork ledger, IBackgroundJobClient jobs) { _unitOfWork = unitOfWork; _ledger = ledger; _jobs = jobs; }

    public static void Issue(int id) { }

    public async Task Sell(int id, CancellationToken ct)
    {
        await using var transaction = await _unitOfWork.BeginTransactionAsync(ct);
        try
        {
            await _unitOfWork.SaveChangesAsync(ct);
            _jobs.Enqueue(() => Issue(id));
            await transaction.CommitAsync(ct);
        }
        catch
        {
            await transaction.RollbackAsync(ct);
            throw;
        }

        _jobs.Enqueue(() => Issue(id));
    }

    public async Task Post(int id)
    {
        await _ledger.BeginTransactionAsync();
        try
        {
            _jobs.Enqueue(() => Issue(id));
            await _ledger.CommitTransactionAsync();
        }
        catch
        {
            await _ledger.RollbackTransactionAsync();
            throw;
        }

        _jobs.Enqueue(() => Issue(id));
    }
}