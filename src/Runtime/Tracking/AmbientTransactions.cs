using System.Collections.Concurrent;
using System.Transactions;

namespace JobSafety;

/// <summary>
/// Ambient <see cref="Transaction"/> support. Ambient transactions are not registered: the guard reads
/// <see cref="Transaction.Current"/>. A tracked owner is created (and enlisted with
/// <see cref="Transaction.EnlistVolatile(IEnlistmentNotification, EnlistmentOptions)"/>) only when work is
/// registered for it. A nested <c>Required</c> scope shares the outer transaction and therefore its owner; a
/// <c>RequiresNew</c> scope has a transaction (and an owner) of its own.
/// </summary>
internal static class AmbientTransactions
{
    private static readonly ConcurrentDictionary<Transaction, TrackedTransaction> s_owners = new();
    private static readonly ConcurrentDictionary<Transaction, int> s_marked = new();
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

    internal static TrackedTransaction GetOrEnlistOwner(Transaction transaction)
    {
        if (s_owners.TryGetValue(transaction, out var existing)) return existing;
        lock (s_owners)
        {
            if (s_owners.TryGetValue(transaction, out existing)) return existing;
            var owner = new TrackedTransaction(TransactionKind.Ambient, "System.Transactions", null);
            transaction.EnlistVolatile(new Enlistment(transaction, owner), EnlistmentOptions.None);
            s_owners[transaction] = owner;
            return owner;
        }
    }

    /// <summary>
    /// Receives the outcome. User work runs here, so every notification is fully guarded: an exception escaping an
    /// enlistment (or a <c>TransactionCompleted</c> handler) would break the transaction manager's other
    /// participants. BeforeCommit work runs in Prepare; its exception forces a rollback.
    /// </summary>
    private sealed class Enlistment : IEnlistmentNotification
    {
        private readonly Transaction _transaction;
        private readonly TrackedTransaction _owner;

        internal Enlistment(Transaction transaction, TrackedTransaction owner)
        {
            _transaction = transaction;
            _owner = owner;
        }

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

        public void Commit(System.Transactions.Enlistment enlistment)
        {
            try
            {
                var ready = _owner.CompleteAsCommitted();
                if (ready is not null)
                {
                    List<Exception>? errors = null;
                    foreach (var callback in ready)
                    {
                        var error = callback.RunSynchronously();
                        if (error is not null) (errors ??= new()).Add(error);
                    }
                    CallbackFailures.Report(errors, "AfterCommit", throwToCaller: false);
                }
            }
            catch (Exception ex)
            {
                CallbackFailures.LogUnexpected(ex);
            }
            finally
            {
                s_owners.TryRemove(_transaction, out _);
                enlistment.Done();
            }
        }

        public void Rollback(System.Transactions.Enlistment enlistment)
        {
            try
            {
                _owner.NotifyRolledBack();
            }
            catch (Exception ex)
            {
                CallbackFailures.LogUnexpected(ex);
            }
            finally
            {
                s_owners.TryRemove(_transaction, out _);
                enlistment.Done();
            }
        }

        public void InDoubt(System.Transactions.Enlistment enlistment)
        {
            // The outcome is unknown: running AfterCommit work could act on data that is not there; drop it.
            try
            {
                _owner.NotifyRolledBack();
            }
            catch (Exception ex)
            {
                CallbackFailures.LogUnexpected(ex);
            }
            finally
            {
                s_owners.TryRemove(_transaction, out _);
                enlistment.Done();
            }
        }
    }
}
