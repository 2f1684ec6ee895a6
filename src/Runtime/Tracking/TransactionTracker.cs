using System.Runtime.CompilerServices;
using System.Transactions;

namespace JobSafety;

/// <summary>
/// Per-flow record of open transactions: the single source of truth for the guard and AfterCommit.
/// </summary>
/// <remarks>
/// The <see cref="AsyncLocal{T}"/> holds an immutable chain of frames. Beginning a transaction pushes a frame
/// in the <em>caller's</em> execution context (the wrappers register synchronously, before any await), so the
/// caller and everything it starts afterwards see it, while sibling flows never do. A frame can also be a
/// mutable <see cref="FlowScope"/> (see <see cref="TransactionTracking.BeginFlowScope"/>): transactions
/// registered below it, even inside awaited async methods whose own context changes are discarded, are added
/// to the scope and stay visible to the whole scope. Completed transactions are skipped and trimmed lazily.
/// </remarks>
internal static class TransactionTracker
{
    private static readonly AsyncLocal<FlowFrame?> s_head = new();

    internal static FlowFrame? Head => s_head.Value;

    internal static void Register(TrackedTransaction transaction)
    {
        var head = Trim(s_head.Value);
        for (var frame = head; frame is not null; frame = frame.Parent)
        {
            if (frame.Scope is { } scope && !scope.IsDisposed)
            {
                scope.Add(transaction);
                if (!ReferenceEquals(head, s_head.Value)) s_head.Value = head;
                return;
            }
        }
        s_head.Value = new FlowFrame(head, transaction, null);
    }

    /// <summary>True when a flow scope that is not disposed is open on this flow.</summary>
    internal static bool HasOpenScope()
    {
        for (var frame = s_head.Value; frame is not null; frame = frame.Parent)
        {
            if (frame.Scope is { IsDisposed: false }) return true;
        }
        return false;
    }

    internal static void PushScope(FlowScope scope) => s_head.Value = new FlowFrame(Trim(s_head.Value), null, scope);

    internal static void PopScope(FlowScope scope)
    {
        var head = s_head.Value;
        for (var frame = head; frame is not null; frame = frame.Parent)
        {
            if (ReferenceEquals(frame.Scope, scope))
            {
                s_head.Value = frame.Parent;
                return;
            }
        }
    }

    /// <summary>Called when a transaction completes: pops it when it is the head of the current flow.</summary>
    internal static void Completed(TrackedTransaction transaction)
    {
        var head = s_head.Value;
        if (head is not null && ReferenceEquals(head.Transaction, transaction))
        {
            s_head.Value = Trim(head);
        }
    }

    private static FlowFrame? Trim(FlowFrame? head)
    {
        while (head is { Transaction: { IsCompleted: true } }) head = head.Parent;
        return head;
    }

    /// <summary>Fast check: could anything block a side effect? One AsyncLocal read and one ambient read, no allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool MightBeInTransaction() => s_head.Value is not null || Transaction.Current is not null;

    /// <summary>The first open, unmarked tracked transaction of this flow (most recent first), or null.</summary>
    internal static TrackedTransaction? FindBlockingTracked()
    {
        for (var frame = s_head.Value; frame is not null; frame = frame.Parent)
        {
            if (frame.Transaction is { BlocksSideEffects: true } tx) return tx;
            if (frame.Scope?.FindBlocking() is { } scoped) return scoped;
        }
        return null;
    }

    /// <summary>The single owner of newly registered work when the flow is in the common shape: one frame, holding an
    /// open, unmarked tracked transaction, no flow scope, no ambient transaction. Null otherwise (use <see cref="CollectOwners"/>).</summary>
    internal static TrackedTransaction? SingleOwnerFastPath()
    {
        var head = s_head.Value;
        if (head is null || head.Parent is not null || head.Scope is not null) return null;
        if (head.Transaction is not { BlocksSideEffects: true } tx) return null;
        return Transaction.Current is null ? tx : null;
    }

    /// <summary>All open unmarked transactions of the flow that own AfterCommit work, ambient one included.</summary>
    /// <param name="forBeforeCommit">BeforeCommit work: the ambient transaction needs a Prepare enlistment.</param>
    /// <param name="sawTestWrapper">True when a marked (test wrapper) transaction is open.</param>
    internal static List<TrackedTransaction> CollectOwners(bool forBeforeCommit, out bool sawTestWrapper)
    {
        var owners = new List<TrackedTransaction>(2);
        sawTestWrapper = false;
        for (var frame = s_head.Value; frame is not null; frame = frame.Parent)
        {
            if (frame.Transaction is { } tx) Consider(tx, owners, ref sawTestWrapper);
            frame.Scope?.Collect(owners, ref sawTestWrapper);
        }
        var ambient = forBeforeCommit && owners.Count > 0 ? null : AmbientTransactions.CurrentActive();
        if (ambient is not null)
        {
            if (AmbientTransactions.IsMarked(ambient)) sawTestWrapper = true;
            else owners.Add(AmbientTransactions.GetOrEnlistOwner(ambient, forBeforeCommit));
        }
        return owners;
    }

    internal static void Consider(TrackedTransaction tx, List<TrackedTransaction> owners, ref bool sawTestWrapper)
    {
        if (tx.IsCompleted || owners.Contains(tx)) return;
        if (tx.IsTestWrapper) sawTestWrapper = true;
        else owners.Add(tx);
    }
}

internal sealed class FlowFrame
{
    internal FlowFrame(FlowFrame? parent, TrackedTransaction? transaction, FlowScope? scope)
    {
        Parent = parent;
        Transaction = transaction;
        Scope = scope;
    }

    internal FlowFrame? Parent { get; }

    internal TrackedTransaction? Transaction { get; }

    internal FlowScope? Scope { get; }
}

/// <summary>A mutable holder for one logical operation; see <see cref="TransactionTracking.BeginFlowScope"/>.</summary>
internal sealed class FlowScope : IDisposable
{
    private readonly List<TrackedTransaction> _transactions = new();
    private volatile bool _disposed;

    internal bool IsDisposed => _disposed;

    internal void Add(TrackedTransaction transaction)
    {
        lock (_transactions)
        {
            _transactions.RemoveAll(t => t.IsCompleted);
            _transactions.Add(transaction);
        }
    }

    internal TrackedTransaction? FindBlocking()
    {
        lock (_transactions)
        {
            for (var i = _transactions.Count - 1; i >= 0; i--)
            {
                if (_transactions[i].BlocksSideEffects) return _transactions[i];
            }
            return null;
        }
    }

    internal void Collect(List<TrackedTransaction> owners, ref bool sawTestWrapper)
    {
        lock (_transactions)
        {
            for (var i = _transactions.Count - 1; i >= 0; i--) TransactionTracker.Consider(_transactions[i], owners, ref sawTestWrapper);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        TransactionTracker.PopScope(this);
    }
}
