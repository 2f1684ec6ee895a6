using System.Collections.Concurrent;
using System.Transactions;

namespace JobSafety;

/// <summary>
/// Ambient <see cref="Transaction"/> support. Ambient transactions are not registered: the guard reads
/// <see cref="Transaction.Current"/>. A tracked owner is created (and subscribed to
/// <see cref="Transaction.TransactionCompleted"/>) only when work is registered for it. A nested <c>Required</c> scope shares the outer transaction and therefore its owner; a
/// <c>RequiresNew</c> scope has a transaction (and an owner) of its own.
/// </summary>
internal static class AmbientTransactions
{
    private static readonly ConcurrentDictionary<Transaction, TrackedTransaction> s_owners = new();
    private static readonly ConcurrentDictionary<Transaction, int> s_marked = new();
    private static readonly ConcurrentDictionary<Transaction, byte> s_prepareEnlisted = new();
    private static int s_markedCount;

    /// <summary>The current ambient transaction when it is active, else null.</summary>
    internal static Transaction? CurrentActive()
    {
        Transaction? current;
        try
        {
            current = Transaction.Current;
            if (current is null) return null;
            return current.TransactionInformation.Status == TransactionStatus.Active ? current : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    internal static bool IsMarked(Transaction transaction) => Volatile.Read(ref s_markedCount) > 0 && s_marked.ContainsKey(transaction);

    internal static void Mark(Transaction transaction)
    {
        s_marked.AddOrUpdate(transaction, 1, (_, n) => n + 1);
        Interlocked.Increment(ref s_markedCount);
    }

    internal static void Unmark(Transaction transaction)
    {
        Interlocked.Decrement(ref s_markedCount);
        while (s_marked.TryGetValue(transaction, out var n))
        {
            if (n <= 1)
            {
                if (s_marked.TryRemove(new KeyValuePair<Transaction, int>(transaction, n))) return;
            }
            else if (s_marked.TryUpdate(transaction, n - 1, n))
            {
                return;
            }
        }
    }

    internal static TrackedTransaction Describe(Transaction transaction) =>
        s_owners.TryGetValue(transaction, out var owner) ? owner : new TrackedTransaction(TransactionKind.Ambient, "System.Transactions", null);

    internal static TrackedTransaction GetOrEnlistOwner(Transaction transaction, bool forBeforeCommit)
    {
        if (s_owners.TryGetValue(transaction, out var existing) && (!forBeforeCommit || s_prepareEnlisted.ContainsKey(transaction))) return existing;
        lock (s_owners)
        {
            if (!s_owners.TryGetValue(transaction, out var owner))
            {
                owner = new TrackedTransaction(TransactionKind.Ambient, "System.Transactions", null);
                s_owners[transaction] = owner;
                // Outcome: TransactionCompleted fires after every enlistment (e.g. Npgsql's) received its commit notification,
                // so AfterCommit work sees committed data. No enlistment is added for it: no two-phase commit is forced.
                transaction.TransactionCompleted += (_, e) => OnCompleted(transaction, owner, e.Transaction);
            }
            if (forBeforeCommit && s_prepareEnlisted.TryAdd(transaction, 0))
            {
                // BeforeCommit work must run before the outcome: a volatile enlistment's Prepare. With another volatile
                // participant (Npgsql) this makes the commit two-phase (PostgreSQL needs max_prepared_transactions > 0).
                transaction.EnlistVolatile(new PrepareEnlistment(owner), EnlistmentOptions.None);
            }
            return owner;
        }
    }

    /// <summary>Runs the outcome's work. Fully guarded: a <c>TransactionCompleted</c> handler runs inside
    /// <c>TransactionScope.Dispose</c> under a lock, with no try/catch around it; an escaping exception would skip the other
    /// handlers and surface from Dispose after the commit.</summary>
    private static void OnCompleted(Transaction key, TrackedTransaction owner, Transaction? completed)
    {
        try
        {
            var status = completed?.TransactionInformation.Status ?? TransactionStatus.InDoubt;
            if (status == TransactionStatus.Committed)
            {
                var ready = owner.CompleteAsCommitted();
                if (ready is null) return;
                List<Exception>? errors = null;
                foreach (var callback in ready)
                {
                    var error = callback.RunSynchronously();
                    if (error is not null) (errors ??= new()).Add(error);
                }
                CallbackFailures.Report(errors, "AfterCommit", throwToCaller: false);
            }
            else
            {
                // Aborted, or in doubt: running AfterCommit work could act on data that is not there; drop it.
                owner.NotifyRolledBack();
            }
        }
        catch (Exception ex)
        {
            CallbackFailures.LogUnexpected(ex);
        }
        finally
        {
            s_owners.TryRemove(key, out _);
            s_prepareEnlisted.TryRemove(key, out _);
        }
    }

    private sealed class PrepareEnlistment : IEnlistmentNotification
    {
        private readonly TrackedTransaction _owner;

        internal PrepareEnlistment(TrackedTransaction owner) => _owner = owner;

        public void Prepare(PreparingEnlistment preparingEnlistment)
        {
            try
            {
                _owner.NotifyCommitStarting();
                preparingEnlistment.Prepared();
            }
            catch (Exception ex)
            {
                preparingEnlistment.ForceRollback(ex);
            }
        }

        public void Commit(System.Transactions.Enlistment enlistment) => enlistment.Done();

        public void Rollback(System.Transactions.Enlistment enlistment) => enlistment.Done();

        public void InDoubt(System.Transactions.Enlistment enlistment) => enlistment.Done();
    }
}
