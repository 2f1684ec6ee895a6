using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace JobSafety.EntityFrameworkCore;

/// <summary>
/// Reports EF Core transactions to JobSafety's tracking (the key is the <see cref="DbTransaction"/>): begin
/// (<c>TransactionStarted</c>, <c>TransactionUsed</c>), commit (<c>TransactionCommitting</c> → BeforeCommit work,
/// <c>TransactionCommitted</c> → AfterCommit work, <c>TransactionFailed</c> during a commit → dropped, AfterRollback work),
/// rollback and savepoints. Registered by <c>optionsBuilder.AddJobSafety()</c>; stateless, one instance for the process.
/// </summary>
/// <remarks>EF Core's interceptor API does not pass savepoint names: a rollback to a savepoint is applied to the most
/// recent savepoint still open (EF Core's own <c>SaveChanges</c> savepoints nest that way).</remarks>
public sealed class JobSafetyTransactionInterceptor : DbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbTransaction, Stack<string>> s_savepoints = new();
    private static int s_savepointCounter;

    /// <summary>The shared instance.</summary>
    public static JobSafetyTransactionInterceptor Instance { get; } = new();

    private JobSafetyTransactionInterceptor()
    {
    }

    /// <inheritdoc />
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Track(result, eventData);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Track(result, eventData);
        return new ValueTask<DbTransaction>(result);
    }

    /// <inheritdoc />
    public override DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        Track(result, eventData);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Track(result, eventData);
        return new ValueTask<DbTransaction>(result);
    }

    /// <inheritdoc />
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        TransactionTracking.Find(transaction)?.NotifyCommitStarting();
        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (TransactionTracking.Find(transaction) is { } tracked) await tracked.NotifyCommitStartingAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionTracking.Find(transaction)?.NotifyCommitSucceeded();

    /// <inheritdoc />
    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        TransactionTracking.Find(transaction)?.NotifyCommitSucceededAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionTracking.Find(transaction)?.NotifyRolledBack();

    /// <inheritdoc />
    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        TransactionTracking.Find(transaction)?.NotifyRolledBackAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(transaction, eventData);

    /// <inheritdoc />
    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(transaction, eventData);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => SavepointCreated(transaction);

    /// <inheritdoc />
    public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        SavepointCreated(transaction);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => SavepointRolledBack(transaction);

    /// <inheritdoc />
    public override Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        SavepointRolledBack(transaction);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ReleasedSavepoint(DbTransaction transaction, TransactionEventData eventData) => SavepointReleased(transaction);

    /// <inheritdoc />
    public override Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        SavepointReleased(transaction);
        return Task.CompletedTask;
    }

    private static void Track(DbTransaction transaction, TransactionEventData eventData)
    {
        if (TransactionTracking.Find(transaction) is { IsCompleted: false }) return;
        var provider = eventData.Context?.Database.ProviderName ?? transaction.GetType().Namespace ?? "EF Core";
        var shortName = provider.Split('.')[0];
        TransactionTracking.Track(transaction, TransactionKind.EfCore, "EF Core (" + shortName + ")", eventData.Context?.GetType().Name);
    }

    private static void Failed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        var tracked = TransactionTracking.Find(transaction);
        if (tracked is null || tracked.IsCompleted) return;
        switch (eventData.Action)
        {
            case "Commit":
                tracked.NotifyCommitFailed(eventData.Exception);
                break;
            case "Rollback":
                tracked.NotifyRolledBack(); // the transaction is over either way
                break;
        }
    }

    private static void SavepointCreated(DbTransaction transaction)
    {
        var tracked = TransactionTracking.Find(transaction);
        if (tracked is null) return;
        var name = "efcore_" + Interlocked.Increment(ref s_savepointCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stack = s_savepoints.GetOrCreateValue(transaction);
        lock (stack) stack.Push(name);
        tracked.NotifySavepointCreated(name);
    }

    private static void SavepointRolledBack(DbTransaction transaction)
    {
        var tracked = TransactionTracking.Find(transaction);
        if (tracked is null || !s_savepoints.TryGetValue(transaction, out var stack)) return;
        string? name;
        lock (stack) stack.TryPeek(out name);
        if (name is not null) tracked.NotifySavepointRolledBack(name);
    }

    private static void SavepointReleased(DbTransaction transaction)
    {
        var tracked = TransactionTracking.Find(transaction);
        if (tracked is null || !s_savepoints.TryGetValue(transaction, out var stack)) return;
        string? name;
        lock (stack) stack.TryPop(out name);
        if (name is not null) tracked.NotifySavepointReleased(name);
    }
}
