using Microsoft.Extensions.Logging;

namespace JobSafety;

/// <summary>
/// Work tied to the outcome of the transactions open on the current flow:
/// <c>TransactionEvents.AfterCommit(() =&gt; BackgroundJob.Enqueue(...))</c>.
/// </summary>
/// <remarks>
/// Work registered while transactions are open belongs to every open, unmarked transaction of the flow (ADO.NET
/// wrapper, EF Core, manual, and the ambient <see cref="System.Transactions.Transaction"/>): AfterCommit work runs once,
/// after the last of them committed, and is dropped as soon as one rolls back. See docs/runtime.md for the full table.
/// </remarks>
public static partial class TransactionEvents
{
    /// <summary>Runs <paramref name="work"/> once, after the open transactions commit; drops it if one rolls back.</summary>
    /// <param name="work">The work, e.g. an enqueue.</param>
    /// <param name="prepend">Run before the work registered earlier (default: registration order).</param>
    /// <param name="whenNoTransaction">What to do when no transaction is open (default: <see cref="JobSafetyOptions.NoTransactionBehavior"/>).</param>
    /// <returns>A handle whose task completes when the work ran.</returns>
    public static TransactionCallbackHandle AfterCommit(Action work, bool prepend = false, NoTransactionBehavior? whenNoTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.AfterCommit, work, null), prepend, whenNoTransaction);
    }

    /// <summary>Runs async <paramref name="work"/> once, after the open transactions commit: awaited by <c>CommitAsync</c>;
    /// a synchronous <c>Commit</c> runs it on the thread pool and waits (no deadlock on a captured context).</summary>
    /// <param name="work">The work; receives the commit's cancellation token.</param>
    /// <param name="prepend">Run before the work registered earlier.</param>
    /// <param name="whenNoTransaction">What to do when no transaction is open.</param>
    /// <returns>A handle whose task completes when the work ran.</returns>
    public static TransactionCallbackHandle AfterCommit(Func<CancellationToken, Task> work, bool prepend = false, NoTransactionBehavior? whenNoTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.AfterCommit, null, work), prepend, whenNoTransaction);
    }

    /// <summary>Runs <paramref name="work"/> inside the transaction just before it commits; an exception aborts the commit
    /// (the transaction rolls back and the exception reaches the committing caller). It belongs to the most recently begun
    /// open transaction (the ambient one when no other is open).</summary>
    /// <param name="work">The work.</param>
    /// <param name="prepend">Run before the work registered earlier.</param>
    /// <param name="whenNoTransaction">What to do when no transaction is open.</param>
    /// <returns>A handle whose task completes when the work ran.</returns>
    public static TransactionCallbackHandle BeforeCommit(Action work, bool prepend = false, NoTransactionBehavior? whenNoTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.BeforeCommit, work, null), prepend, whenNoTransaction);
    }

    /// <summary>Async variant of <see cref="BeforeCommit(Action, bool, NoTransactionBehavior?)"/>.</summary>
    /// <param name="work">The work.</param>
    /// <param name="prepend">Run before the work registered earlier.</param>
    /// <param name="whenNoTransaction">What to do when no transaction is open.</param>
    /// <returns>A handle whose task completes when the work ran.</returns>
    public static TransactionCallbackHandle BeforeCommit(Func<CancellationToken, Task> work, bool prepend = false, NoTransactionBehavior? whenNoTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.BeforeCommit, null, work), prepend, whenNoTransaction);
    }

    /// <summary>Runs <paramref name="work"/> once if any open transaction rolls back (or its commit fails); dropped when all
    /// commit. Failures go to <see cref="JobSafetyOptions.CallbackErrorHandler"/> or the log. With no transaction open it is
    /// dropped at once.</summary>
    /// <param name="work">The work (e.g. a compensation or a log line).</param>
    /// <param name="prepend">Run before the work registered earlier.</param>
    /// <returns>A handle whose task completes when the work ran and is cancelled when dropped.</returns>
    public static TransactionCallbackHandle AfterRollback(Action work, bool prepend = false)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.AfterRollback, work, null), prepend, null);
    }

    /// <summary>Async variant of <see cref="AfterRollback(Action, bool)"/>.</summary>
    /// <param name="work">The work.</param>
    /// <param name="prepend">Run before the work registered earlier.</param>
    /// <returns>A handle whose task completes when the work ran and is cancelled when dropped.</returns>
    public static TransactionCallbackHandle AfterRollback(Func<CancellationToken, Task> work, bool prepend = false)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Register(new TransactionCallback(CallbackKind.AfterRollback, null, work), prepend, null);
    }

    private static TransactionCallbackHandle Register(TransactionCallback callback, bool prepend, NoTransactionBehavior? whenNoTransaction)
    {
        // Fast path, the common case: exactly one open, unmarked tracked transaction (the only frame of the flow), no
        // flow scope and no ambient transaction. It is the only owner, exactly as CollectOwners would find.
        if (TransactionTracker.SingleOwnerFastPath() is { } single)
        {
            callback.SetOwnerCount(1);
            var added = single.Add(callback, prepend);
            if (added == 2) OwnersCommittedMeanwhile(callback, 1);
            else if (added == 3) callback.TryDrop();
            return callback;
        }
        var owners = TransactionTracker.CollectOwners(callback.Kind == CallbackKind.BeforeCommit, out var sawTestWrapper);
        if (owners.Count == 0)
        {
            RunWithoutTransaction(callback, whenNoTransaction, sawTestWrapper);
            return callback.Handle;
        }
        if (callback.Kind == CallbackKind.BeforeCommit)
        {
            // The most recent tracked transaction (first found), else the ambient one.
            owners.RemoveRange(1, owners.Count - 1);
        }
        callback.SetOwnerCount(owners.Count);
        var committedMeanwhile = 0;
        foreach (var owner in owners)
        {
            var state = owner.Add(callback, prepend);
            if (state == 2) committedMeanwhile++;
            else if (state == 3) callback.TryDrop();
        }
        OwnersCommittedMeanwhile(callback, committedMeanwhile);
        return callback.Handle;
    }

    /// <summary>Owners that completed between collection and registration: treat as in CompleteAsCommitted.</summary>
    private static void OwnersCommittedMeanwhile(TransactionCallback callback, int committedMeanwhile)
    {
        for (var i = 0; i < committedMeanwhile; i++)
        {
            if (!callback.OwnerCommitted()) continue;
            if (callback.Kind == CallbackKind.AfterCommit && callback.TryClaim())
            {
                var error = callback.RunSynchronously();
                if (error is not null) CallbackFailures.Report(new List<Exception> { error }, "AfterCommit", throwToCaller: true);
            }
            else
            {
                callback.TryDrop();
            }
        }
    }

    private static void RunWithoutTransaction(TransactionCallback callback, NoTransactionBehavior? whenNoTransaction, bool insideTestWrapper)
    {
        if (callback.Kind == CallbackKind.AfterRollback)
        {
            callback.TryDrop();
            return;
        }
        if (!insideTestWrapper)
        {
            var settings = JobSafetyConfiguration.Current;
            switch (whenNoTransaction ?? settings.Options.NoTransactionBehavior)
            {
                case NoTransactionBehavior.Throw:
                    callback.TryDrop();
                    throw new InvalidOperationException(
                        $"JobSafety: {callback.Kind} was called with no transaction open on this flow, and the configured behaviour is Throw. " +
                        "Call it inside the transaction, or pass whenNoTransaction: NoTransactionBehavior.Run. If a TransactionScope is open, " +
                        "create it with TransactionScopeAsyncFlowOption.Enabled so that it follows awaits.");
                case NoTransactionBehavior.WarnAndRun:
                    LogNoTransaction(settings.Logger, callback.Kind.ToString());
                    break;
            }
        }
        if (!callback.TryClaim()) return;
        if (callback.IsAsync)
        {
            // Started now (synchronously up to its first await); the handle reports the outcome and a failure is logged.
            _ = ReportFailureAsync(callback, callback.RunAsync(CancellationToken.None));
            return;
        }
        var failure = callback.RunSynchronously();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private static async Task ReportFailureAsync(TransactionCallback callback, Task<Exception?> running)
    {
        var error = await running.ConfigureAwait(false);
        if (error is not null) CallbackFailures.Report(new List<Exception> { error }, callback.Kind.ToString(), throwToCaller: false);
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "JobSafety: {Kind} was called with no transaction open; the work runs at once")]
    private static partial void LogNoTransaction(ILogger logger, string kind);
}
