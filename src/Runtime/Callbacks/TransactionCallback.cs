global using TransactionCallback = JobSafety.TransactionCallbackHandle;

namespace JobSafety;

internal enum CallbackKind
{
    BeforeCommit,
    AfterCommit,
    AfterRollback,
}

/// <summary>
/// One registered piece of work. It may belong to several open transactions at once (several connections
/// on one flow); it runs once, when the last of them commits, and is dropped when any of them rolls back.
/// The state machine (pending → ran | dropped) is what guarantees "never twice, never after a rollback".
/// The registration is its own handle (internally aliased as <c>TransactionCallback</c>): one allocation per
/// registration, the handle's task only when it is read.
/// </summary>
public sealed partial class TransactionCallbackHandle
{
    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Dropped = 2;

    private readonly Action? _work;
    private readonly Func<CancellationToken, Task>? _asyncWork;
    private int _state;
    private int _remainingOwners;

    internal TransactionCallbackHandle(CallbackKind kind, Action? work, Func<CancellationToken, Task>? asyncWork)
    {
        Kind = kind;
        _work = work;
        _asyncWork = asyncWork;
    }

    internal CallbackKind Kind { get; }

    internal TransactionCallbackHandle Handle => this;

    internal bool IsAsync => _asyncWork is not null;

    internal void SetOwnerCount(int owners) => Volatile.Write(ref _remainingOwners, owners);

    /// <summary>One owner committed; true when it was the last one.</summary>
    internal bool OwnerCommitted() => Interlocked.Decrement(ref _remainingOwners) == 0;

    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending;

    /// <summary>Drops the work (it will never run); its handle's task is cancelled.</summary>
    internal bool TryDrop()
    {
        if (Interlocked.CompareExchange(ref _state, Dropped, Pending) != Pending) return false;
        SetCanceled();
        return true;
    }

    /// <summary>Runs claimed work synchronously. Async work runs on the thread pool and is waited for, so a
    /// captured SynchronizationContext can never deadlock it. Returns the failure, if any.</summary>
    internal Exception? RunSynchronously()
    {
        try
        {
            if (_work is not null)
            {
                _work();
            }
            else
            {
                var asyncWork = _asyncWork!;
                Task.Run(() => asyncWork(CancellationToken.None)).GetAwaiter().GetResult();
            }
            SetRan();
            return null;
        }
        catch (Exception ex)
        {
            SetFaulted(ex);
            return ex;
        }
    }

    /// <summary>Runs claimed work, awaiting async work. Returns the failure, if any.</summary>
    internal async Task<Exception?> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_work is not null)
            {
                _work();
            }
            else
            {
                await _asyncWork!(cancellationToken).ConfigureAwait(false);
            }
            SetRan();
            return null;
        }
        catch (Exception ex)
        {
            SetFaulted(ex);
            return ex;
        }
    }
}
