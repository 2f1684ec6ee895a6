using System.Data;
using System.Data.Common;

namespace JobSafety.AdoNet;

/// <summary>
/// A <see cref="DbTransaction"/> that forwards everything (sync and async) to the provider's transaction and reports
/// commit, rollback, savepoints and dispose to JobSafety. Disposing it uncommitted rolls it back.
/// </summary>
public sealed class JobSafetyTransaction : DbTransaction
{
    private readonly JobSafetyConnection _connection;
    private volatile bool _failed;

    internal JobSafetyTransaction(JobSafetyConnection connection, DbTransaction inner, TrackedTransaction tracked)
    {
        _connection = connection;
        Inner = inner;
        Tracked = tracked;
    }

    /// <summary>The provider's transaction.</summary>
    public DbTransaction Inner { get; }

    /// <summary>JobSafety's record of this transaction.</summary>
    public TrackedTransaction Tracked { get; }

    /// <inheritdoc />
    protected override DbConnection DbConnection => _connection;

    /// <inheritdoc />
    public override IsolationLevel IsolationLevel => Inner.IsolationLevel;

    /// <inheritdoc />
    public override bool SupportsSavepoints => Inner.SupportsSavepoints;

    /// <summary>A command failed inside the transaction (PostgreSQL: the transaction is aborted, COMMIT will roll back).</summary>
    internal void MarkFailed()
    {
        if (_connection.AbortsTransactionOnError) _failed = true;
    }

    /// <inheritdoc />
    /// <remarks>Runs BeforeCommit work first (an exception there rolls back and propagates), then commits, then runs AfterCommit
    /// work; AfterCommit failures are thrown together as one <see cref="AggregateException"/> after the commit stands.</remarks>
    public override void Commit()
    {
        try
        {
            Tracked.NotifyCommitStarting();
        }
        catch
        {
            RollbackQuietly();
            throw;
        }
        var abortedBefore = _failed;
        try
        {
            Inner.Commit();
        }
        catch (Exception ex)
        {
            Tracked.NotifyCommitFailed(ex);
            throw;
        }
        if (abortedBefore) Tracked.NotifyRolledBack();
        else Tracked.NotifyCommitSucceeded();
    }

    /// <inheritdoc />
    public override async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Tracked.NotifyCommitStartingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RollbackQuietlyAsync().ConfigureAwait(false);
            throw;
        }
        var abortedBefore = _failed;
        try
        {
            await Inner.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Tracked.NotifyCommitFailed(ex);
            throw;
        }
        if (abortedBefore) await Tracked.NotifyRolledBackAsync(cancellationToken).ConfigureAwait(false);
        else await Tracked.NotifyCommitSucceededAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>AfterRollback work runs even when the provider's rollback throws (the server rolls back a transaction whose
    /// connection broke); the provider's exception then propagates.</remarks>
    public override void Rollback()
    {
        try
        {
            Inner.Rollback();
        }
        finally
        {
            Tracked.NotifyRolledBack();
        }
    }

    /// <inheritdoc />
    public override async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Inner.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Tracked.NotifyRolledBackAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override void Save(string savepointName)
    {
        Inner.Save(savepointName);
        Tracked.NotifySavepointCreated(savepointName);
    }

    /// <inheritdoc />
    public override async Task SaveAsync(string savepointName, CancellationToken cancellationToken = default)
    {
        await Inner.SaveAsync(savepointName, cancellationToken).ConfigureAwait(false);
        Tracked.NotifySavepointCreated(savepointName);
    }

    /// <inheritdoc />
    public override void Rollback(string savepointName)
    {
        Inner.Rollback(savepointName);
        _failed = false;
        Tracked.NotifySavepointRolledBack(savepointName);
    }

    /// <inheritdoc />
    public override async Task RollbackAsync(string savepointName, CancellationToken cancellationToken = default)
    {
        await Inner.RollbackAsync(savepointName, cancellationToken).ConfigureAwait(false);
        _failed = false;
        Tracked.NotifySavepointRolledBack(savepointName);
    }

    /// <inheritdoc />
    public override void Release(string savepointName)
    {
        Inner.Release(savepointName);
        Tracked.NotifySavepointReleased(savepointName);
    }

    /// <inheritdoc />
    public override async Task ReleaseAsync(string savepointName, CancellationToken cancellationToken = default)
    {
        await Inner.ReleaseAsync(savepointName, cancellationToken).ConfigureAwait(false);
        Tracked.NotifySavepointReleased(savepointName);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                Inner.Dispose();
            }
            finally
            {
                Tracked.NotifyRolledBack();
            }
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    /// <remarks>No async frame of its own when the provider's dispose completes at once and there is no AfterRollback work
    /// to await (the usual case after a commit).</remarks>
    public override ValueTask DisposeAsync()
    {
        ValueTask inner;
        try
        {
            inner = Inner.DisposeAsync();
        }
        catch (Exception ex)
        {
            return DisposeFailedAsync(System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex));
        }
        if (!inner.IsCompletedSuccessfully) return DisposeSlowAsync(inner);
        inner.GetAwaiter().GetResult();
        var notified = Tracked.NotifyRolledBackAsync();
        if (!notified.IsCompletedSuccessfully) return AwaitThenSuppressAsync(notified);
        GC.SuppressFinalize(this);
        return default;
    }

    private async ValueTask DisposeFailedAsync(System.Runtime.ExceptionServices.ExceptionDispatchInfo error)
    {
        await Tracked.NotifyRolledBackAsync().ConfigureAwait(false);
        error.Throw();
    }

    private async ValueTask DisposeSlowAsync(ValueTask inner)
    {
        try
        {
            await inner.ConfigureAwait(false);
        }
        finally
        {
            await Tracked.NotifyRolledBackAsync().ConfigureAwait(false);
        }
        GC.SuppressFinalize(this);
    }

    private async ValueTask AwaitThenSuppressAsync(Task notified)
    {
        await notified.ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private void RollbackQuietly()
    {
        try
        {
            Inner.Rollback();
        }
        catch (DbException)
        {
            // The BeforeCommit exception is the one that matters; the server drops the transaction with the connection anyway.
        }
        finally
        {
            Tracked.NotifyRolledBack();
        }
    }

    private async Task RollbackQuietlyAsync()
    {
        try
        {
            await Inner.RollbackAsync().ConfigureAwait(false);
        }
        catch (DbException)
        {
            // See RollbackQuietly.
        }
        finally
        {
            await Tracked.NotifyRolledBackAsync().ConfigureAwait(false);
        }
    }

    internal static DbTransaction? Unwrap(DbTransaction? transaction) => transaction is JobSafetyTransaction wrapped ? wrapped.Inner : transaction;
}
