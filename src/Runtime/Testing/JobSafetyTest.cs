using System.Data.Common;
using System.Transactions;

namespace JobSafety;

/// <summary>
/// Marks the transaction a test framework wraps each test in (rolled back at the end) as a <em>test wrapper</em>: the guard
/// ignores it, and AfterCommit work registered while it is the only open transaction runs at once.
/// <c>using var _ = JobSafetyTest.WrapperTransaction(tx);</c>
/// </summary>
public static class JobSafetyTest
{
    /// <summary>Marks an ADO.NET transaction begun through the JobSafety wrapper (or tracked by an integration).</summary>
    /// <param name="transaction">The wrapper transaction.</param>
    /// <returns>Dispose to remove the mark.</returns>
    /// <exception cref="ArgumentException">The transaction is not known to JobSafety (not begun through the wrapper).</exception>
    public static IDisposable WrapperTransaction(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var tracked = TransactionTracking.Find(transaction)
            ?? throw new ArgumentException(
                "JobSafety does not track this transaction: begin it through a connection from WithJobSafety() (or an integration) to mark it.",
                nameof(transaction));
        return WrapperTransaction(tracked);
    }

    /// <summary>Marks a tracked transaction.</summary>
    /// <param name="transaction">The tracked transaction.</param>
    /// <returns>Dispose to remove the mark.</returns>
    public static IDisposable WrapperTransaction(TrackedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        transaction.AddWrapperMark();
        return new Mark(transaction.RemoveWrapperMark);
    }

    /// <summary>Marks an ambient transaction (e.g. the one of a test's <c>TransactionScope</c>).</summary>
    /// <param name="transaction">The ambient transaction (default: <see cref="Transaction.Current"/>).</param>
    /// <returns>Dispose to remove the mark.</returns>
    /// <exception cref="InvalidOperationException">No transaction given and none is ambient.</exception>
    public static IDisposable WrapperTransaction(Transaction? transaction = null)
    {
        var ambient = transaction ?? Transaction.Current
            ?? throw new InvalidOperationException("No ambient transaction to mark: create the TransactionScope first.");
        AmbientTransactions.Mark(ambient);
        return new Mark(() => AmbientTransactions.Unmark(ambient));
    }

    private sealed class Mark : IDisposable
    {
        private Action? _remove;

        internal Mark(Action remove) => _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
