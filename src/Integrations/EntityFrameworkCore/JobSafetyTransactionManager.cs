using System.Data;
using System.Data.Common;
using System.Transactions;
using Microsoft.EntityFrameworkCore.Storage;

namespace JobSafety.EntityFrameworkCore;

/// <summary>
/// Decorates EF Core's transaction manager (the relational connection) so that a transaction begun with
/// <c>Database.BeginTransactionAsync()</c> stays visible to the caller. EF Core begins it inside its own <c>async</c>
/// methods, and an async method's <see cref="AsyncLocal{T}"/> changes are discarded when it returns: this decorator makes sure
/// a JobSafety flow scope is open (<see cref="TransactionTracking.EnsureFlowScope"/>) synchronously, on the caller's flow,
/// before handing the call on, so the interceptor's registration lands in that scope. Everything else forwards unchanged.
/// </summary>
internal sealed class JobSafetyTransactionManager : IRelationalTransactionManager, ITransactionEnlistmentManager
{
    private readonly IRelationalConnection _inner;

    public JobSafetyTransactionManager(IRelationalConnection inner) => _inner = inner;

    public IDbContextTransaction? CurrentTransaction => _inner.CurrentTransaction;

    public Transaction? EnlistedTransaction => (_inner as ITransactionEnlistmentManager)?.EnlistedTransaction;

    public IDbContextTransaction BeginTransaction() => _inner.BeginTransaction();

    public IDbContextTransaction BeginTransaction(System.Data.IsolationLevel isolationLevel) => _inner.BeginTransaction(isolationLevel);

    public Task<IDbContextTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        EnsureFlowScope();
        return _inner.BeginTransactionAsync(cancellationToken);
    }

    public Task<IDbContextTransaction> BeginTransactionAsync(System.Data.IsolationLevel isolationLevel, CancellationToken cancellationToken = default)
    {
        EnsureFlowScope();
        return _inner.BeginTransactionAsync(isolationLevel, cancellationToken);
    }

    public IDbContextTransaction? UseTransaction(DbTransaction? transaction) => _inner.UseTransaction(transaction);

    public IDbContextTransaction? UseTransaction(DbTransaction? transaction, Guid transactionId) => _inner.UseTransaction(transaction, transactionId);

    public Task<IDbContextTransaction?> UseTransactionAsync(DbTransaction? transaction, CancellationToken cancellationToken = default)
    {
        EnsureFlowScope();
        return _inner.UseTransactionAsync(transaction, cancellationToken);
    }

    public Task<IDbContextTransaction?> UseTransactionAsync(DbTransaction? transaction, Guid transactionId, CancellationToken cancellationToken = default)
    {
        EnsureFlowScope();
        return _inner.UseTransactionAsync(transaction, transactionId, cancellationToken);
    }

    public void CommitTransaction() => _inner.CommitTransaction();

    public Task CommitTransactionAsync(CancellationToken cancellationToken = default) => _inner.CommitTransactionAsync(cancellationToken);

    public void RollbackTransaction() => _inner.RollbackTransaction();

    public Task RollbackTransactionAsync(CancellationToken cancellationToken = default) => _inner.RollbackTransactionAsync(cancellationToken);

    public void EnlistTransaction(Transaction? transaction) => ((ITransactionEnlistmentManager)_inner).EnlistTransaction(transaction);

    public void ResetState() => _inner.ResetState();

    public Task ResetStateAsync(CancellationToken cancellationToken = default) => _inner.ResetStateAsync(cancellationToken);

    /// <summary>Makes sure a flow scope is open on the caller's flow (an existing one, e.g. per request, is reused).</summary>
    internal static void EnsureFlowScope() => _ = TransactionTracking.EnsureFlowScope();
}
