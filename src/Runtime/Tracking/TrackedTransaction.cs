namespace JobSafety;

/// <summary>
/// One transaction known to JobSafety. Handles come from the ADO.NET wrapper, from
/// <see cref="TransactionTracking.Begin(string, string, string, int)"/> (manual transactions) or from an
/// integration through <see cref="TransactionTracking.Track(object, TransactionKind, string, string?)"/>.
/// </summary>
/// <remarks>
/// <para>Manual use: <see cref="Commit"/> / <see cref="CommitAsync"/> mean "the work this handle stands for
/// commits now" (BeforeCommit work runs, then AfterCommit work); <see cref="Rollback"/> or disposing an
/// uncommitted handle means it rolled back.</para>
/// <para>The <c>Notify…</c> members are <b>for integrations</b> that wrap a real transaction: call
/// <see cref="NotifyCommitStarting"/> before the real commit (it runs BeforeCommit work; if it throws, roll the
/// real transaction back and call <see cref="NotifyRolledBack"/>), then <see cref="NotifyCommitSucceeded"/> or
/// <see cref="NotifyCommitFailed"/>. Every notification after the transaction completed is ignored.</para>
/// </remarks>
public sealed class TrackedTransaction : IDisposable, IAsyncDisposable
{
    private const int Active = 0;
    private const int Committing = 1;
    private const int Committed = 2;
    private const int RolledBack = 3;

    private readonly object _sync = new();
    // Each entry carries this transaction's own registration counter (taken under _sync), compared with savepoint
    // markers: no global counter shared between threads.
    private readonly List<(TransactionCallback Callback, long Sequence)> _callbacks = new();
    private List<(string Name, long Sequence)>? _savepoints;
    private long _sequence;
    private int _state;
    private int _wrapperMarks;

    internal TrackedTransaction(TransactionKind kind, string provider, string? beganAt)
    {
        Kind = kind;
        Provider = provider;
        BeganAt = beganAt;
    }

    /// <summary>Where the transaction comes from.</summary>
    public TransactionKind Kind { get; }

    /// <summary>The provider or resource name, e.g. <c>Npgsql</c>.</summary>
    public string Provider { get; }

    /// <summary>Where the transaction was begun (<c>Method (File.cs:42)</c>), when known.</summary>
    public string? BeganAt { get; }

    /// <summary>True once the transaction committed or rolled back.</summary>
    public bool IsCompleted => Volatile.Read(ref _state) >= Committed;

    /// <summary>True when the transaction committed.</summary>
    public bool IsCommitted => Volatile.Read(ref _state) == Committed;

    /// <summary>True when the transaction rolled back (or its commit failed).</summary>
    public bool IsRolledBack => Volatile.Read(ref _state) == RolledBack;

    /// <summary>True while the transaction is marked as a test wrapper (see <see cref="JobSafetyTest"/>):
    /// the guard ignores it and AfterCommit work does not wait for it.</summary>
    public bool IsTestWrapper => Volatile.Read(ref _wrapperMarks) > 0;

    /// <summary>Open, unmarked: this transaction makes a side effect unsafe and owns AfterCommit work.</summary>
    internal bool BlocksSideEffects => Volatile.Read(ref _state) <= Committing && Volatile.Read(ref _wrapperMarks) == 0;

    internal void AddWrapperMark() => Interlocked.Increment(ref _wrapperMarks);

    internal void RemoveWrapperMark() => Interlocked.Decrement(ref _wrapperMarks);

    internal string Describe()
    {
        var text = $"{Kind} transaction (provider {TargetSanitizer.Sanitize(Provider)}";
        return BeganAt is null ? text + ")" : text + $", begun at {BeganAt})";
    }

    /// <summary>Adds work to this transaction. Returns the state seen: 0 added, 2 already committed, 3 already rolled back.</summary>
    internal int Add(TransactionCallback callback, bool prepend)
    {
        lock (_sync)
        {
            if (_state >= Committed) return _state;
            var entry = (callback, ++_sequence);
            if (prepend) _callbacks.Insert(0, entry);
            else _callbacks.Add(entry);
            return 0;
        }
    }

    // ---------------------------------------------------------------- manual API

    /// <summary>Manual transactions: the work commits now. Runs BeforeCommit work (an exception there rolls the
    /// handle back and propagates), then AfterCommit work; failures of AfterCommit work are thrown together as one
    /// <see cref="AggregateException"/> after all of it ran (unless a <see cref="JobSafetyOptions.CallbackErrorHandler"/> is set).</summary>
    public void Commit()
    {
        try
        {
            NotifyCommitStarting();
        }
        catch
        {
            NotifyRolledBack();
            throw;
        }
        NotifyCommitSucceeded();
    }

    /// <summary>Asynchronous <see cref="Commit"/>: async work is awaited.</summary>
    /// <param name="cancellationToken">Passed to async BeforeCommit / AfterCommit work.</param>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await NotifyCommitStartingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            NotifyRolledBack();
            throw;
        }
        await NotifyCommitSucceededAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Manual transactions: the work rolled back. AfterCommit work is dropped, AfterRollback work runs.</summary>
    public void Rollback() => NotifyRolledBack();

    /// <summary>Asynchronous <see cref="Rollback"/>.</summary>
    /// <param name="cancellationToken">Passed to async AfterRollback work.</param>
    public Task RollbackAsync(CancellationToken cancellationToken = default) => NotifyRolledBackAsync(cancellationToken);

    /// <summary>Marks a savepoint: work registered after it is dropped by <see cref="RollbackToSavepoint"/>.</summary>
    /// <param name="name">Savepoint name.</param>
    public void Save(string name) => NotifySavepointCreated(name);

    /// <summary>Rolls back to a savepoint: work registered after it is dropped (AfterRollback work registered after it runs).</summary>
    /// <param name="name">Savepoint name.</param>
    public void RollbackToSavepoint(string name) => NotifySavepointRolledBack(name);

    /// <summary>Releases a savepoint (its work stays with the transaction).</summary>
    /// <param name="name">Savepoint name.</param>
    public void ReleaseSavepoint(string name) => NotifySavepointReleased(name);

    /// <summary>Disposing a handle that did not commit rolls it back.</summary>
    public void Dispose() => NotifyRolledBack();

    /// <summary>Disposing a handle that did not commit rolls it back.</summary>
    public ValueTask DisposeAsync() => new(NotifyRolledBackAsync(CancellationToken.None));

    // ---------------------------------------------------------------- integration API

    /// <summary><b>For integrations.</b> The commit is about to be sent: runs BeforeCommit work, in order, inside the
    /// transaction. An exception propagates; the caller must then roll back and call <see cref="NotifyRolledBack"/>.</summary>
    public void NotifyCommitStarting()
    {
        for (var callback = NextBeforeCommit(); callback is not null; callback = NextBeforeCommit())
        {
            var error = callback.RunSynchronously();
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary><b>For integrations.</b> Asynchronous <see cref="NotifyCommitStarting"/>.</summary>
    /// <param name="cancellationToken">Passed to async BeforeCommit work.</param>
    public async Task NotifyCommitStartingAsync(CancellationToken cancellationToken = default)
    {
        for (var callback = NextBeforeCommit(); callback is not null; callback = NextBeforeCommit())
        {
            var error = await callback.RunAsync(cancellationToken).ConfigureAwait(false);
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private TransactionCallback? NextBeforeCommit()
    {
        lock (_sync)
        {
            if (_state >= Committed) return null;
            _state = Committing;
            foreach (var (callback, _) in _callbacks)
            {
                if (callback.Kind == CallbackKind.BeforeCommit && callback.TryClaim()) return callback;
            }
            return null;
        }
    }

    /// <summary><b>For integrations.</b> The commit succeeded: runs AfterCommit work whose every transaction has now
    /// committed (all of it, even when some throws), then throws the failures as one <see cref="AggregateException"/>
    /// (or hands them to <see cref="JobSafetyOptions.CallbackErrorHandler"/>). The commit stands either way.</summary>
    public void NotifyCommitSucceeded()
    {
        var ready = CompleteAsCommitted();
        if (ready is null) return;
        List<Exception>? errors = null;
        foreach (var callback in ready)
        {
            var error = callback.RunSynchronously();
            if (error is not null) (errors ??= new()).Add(error);
        }
        CallbackFailures.Report(errors, "AfterCommit", throwToCaller: true);
    }

    /// <summary><b>For integrations.</b> Asynchronous <see cref="NotifyCommitSucceeded"/>: async work is awaited.</summary>
    /// <param name="cancellationToken">Passed to async AfterCommit work.</param>
    public async Task NotifyCommitSucceededAsync(CancellationToken cancellationToken = default)
    {
        var ready = CompleteAsCommitted();
        if (ready is null) return;
        List<Exception>? errors = null;
        foreach (var callback in ready)
        {
            var error = await callback.RunAsync(cancellationToken).ConfigureAwait(false);
            if (error is not null) (errors ??= new()).Add(error);
        }
        CallbackFailures.Report(errors, "AfterCommit", throwToCaller: true);
    }

    /// <summary>Completes as committed; returns the AfterCommit work that is now due (null when none / already completed).</summary>
    internal List<TransactionCallback>? CompleteAsCommitted()
    {
        TransactionCallback[] snapshot;
        lock (_sync)
        {
            if (_state >= Committed) return null;
            _state = Committed;
            snapshot = Snapshot();
            _callbacks.Clear();
            _savepoints = null;
        }
        TransactionTracker.Completed(this);
        List<TransactionCallback>? ready = null;
        foreach (var callback in snapshot)
        {
            switch (callback.Kind)
            {
                case CallbackKind.AfterCommit:
                    if (callback.OwnerCommitted() && callback.TryClaim()) (ready ??= new()).Add(callback);
                    break;
                case CallbackKind.AfterRollback:
                    if (callback.OwnerCommitted()) callback.TryDrop();
                    break;
                default:
                    // BeforeCommit work registered too late to run before this commit.
                    callback.TryDrop();
                    break;
            }
        }
        return ready ?? (snapshot.Length == 0 ? null : new List<TransactionCallback>());
    }

    /// <summary><b>For integrations.</b> The commit failed: nothing of the AfterCommit work runs; AfterRollback work runs.</summary>
    /// <param name="error">The commit's exception (only used for the log).</param>
    public void NotifyCommitFailed(Exception? error)
    {
        _ = error;
        NotifyRolledBack();
    }

    /// <summary><b>For integrations.</b> The transaction rolled back (explicitly, by dispose, or because the connection
    /// broke). AfterCommit and BeforeCommit work is dropped; AfterRollback work runs. AfterRollback failures go to the
    /// <see cref="JobSafetyOptions.CallbackErrorHandler"/> or the log, never to the caller.</summary>
    public void NotifyRolledBack()
    {
        var due = CompleteAsRolledBack();
        if (due is null) return;
        List<Exception>? errors = null;
        foreach (var callback in due)
        {
            var error = callback.RunSynchronously();
            if (error is not null) (errors ??= new()).Add(error);
        }
        CallbackFailures.Report(errors, "AfterRollback", throwToCaller: false);
    }

    /// <summary><b>For integrations.</b> Asynchronous <see cref="NotifyRolledBack"/>.</summary>
    /// <param name="cancellationToken">Passed to async AfterRollback work.</param>
    public async Task NotifyRolledBackAsync(CancellationToken cancellationToken = default)
    {
        var due = CompleteAsRolledBack();
        if (due is null) return;
        List<Exception>? errors = null;
        foreach (var callback in due)
        {
            var error = await callback.RunAsync(cancellationToken).ConfigureAwait(false);
            if (error is not null) (errors ??= new()).Add(error);
        }
        CallbackFailures.Report(errors, "AfterRollback", throwToCaller: false);
    }

    internal List<TransactionCallback>? CompleteAsRolledBack()
    {
        TransactionCallback[] snapshot;
        lock (_sync)
        {
            if (_state >= Committed) return null;
            _state = RolledBack;
            snapshot = Snapshot();
            _callbacks.Clear();
            _savepoints = null;
        }
        TransactionTracker.Completed(this);
        return DropOrClaim(snapshot);
    }

    private static List<TransactionCallback>? DropOrClaim(IEnumerable<TransactionCallback> callbacks)
    {
        List<TransactionCallback>? due = null;
        foreach (var callback in callbacks)
        {
            if (callback.Kind == CallbackKind.AfterRollback)
            {
                if (callback.TryClaim()) (due ??= new()).Add(callback);
            }
            else
            {
                callback.TryDrop();
            }
        }
        return due;
    }

    /// <summary><b>For integrations.</b> A savepoint was created.</summary>
    /// <param name="name">Savepoint name.</param>
    public void NotifySavepointCreated(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_sync)
        {
            if (_state >= Committed) return;
            // Everything registered from now on has a larger sequence number than the marker.
            (_savepoints ??= new()).Add((name, _sequence));
        }
    }

    /// <summary><b>For integrations.</b> A savepoint was released: its marker (and later ones) go; the work stays.</summary>
    /// <param name="name">Savepoint name.</param>
    public void NotifySavepointReleased(string name)
    {
        lock (_sync)
        {
            var index = FindSavepoint(name);
            if (index >= 0) _savepoints!.RemoveRange(index, _savepoints.Count - index);
        }
    }

    /// <summary><b>For integrations.</b> Rolled back to a savepoint: AfterCommit / BeforeCommit work registered after it is
    /// dropped and AfterRollback work registered after it runs; earlier work stays. The savepoint itself stays (as in SQL).</summary>
    /// <param name="name">Savepoint name.</param>
    public void NotifySavepointRolledBack(string name)
    {
        List<TransactionCallback> undone;
        lock (_sync)
        {
            var index = FindSavepoint(name);
            if (index < 0) return;
            var marker = _savepoints![index].Sequence;
            _savepoints.RemoveRange(index + 1, _savepoints.Count - index - 1);
            undone = _callbacks.FindAll(c => c.Sequence > marker).ConvertAll(c => c.Callback);
            _callbacks.RemoveAll(c => c.Sequence > marker);
        }
        var due = DropOrClaim(undone);
        if (due is null) return;
        List<Exception>? errors = null;
        foreach (var callback in due)
        {
            var error = callback.RunSynchronously();
            if (error is not null) (errors ??= new()).Add(error);
        }
        CallbackFailures.Report(errors, "AfterRollback", throwToCaller: false);
    }

    private TransactionCallback[] Snapshot()
    {
        if (_callbacks.Count == 0) return Array.Empty<TransactionCallback>();
        var snapshot = new TransactionCallback[_callbacks.Count];
        for (var i = 0; i < snapshot.Length; i++) snapshot[i] = _callbacks[i].Callback;
        return snapshot;
    }

    private int FindSavepoint(string name)
    {
        if (_savepoints is null) return -1;
        for (var i = _savepoints.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_savepoints[i].Name, name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}
