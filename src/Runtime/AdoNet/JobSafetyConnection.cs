using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace JobSafety.AdoNet;

/// <summary>
/// A <see cref="DbConnection"/> that forwards everything (sync and async) to the provider's connection and reports the
/// transactions begun on it to JobSafety. Commands it creates are <see cref="JobSafetyCommand"/>s.
/// </summary>
public sealed class JobSafetyConnection : DbConnection
{
    private JobSafetyTransaction? _current;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The provider's connection.</param>
    public JobSafetyConnection(DbConnection inner)
        : this(inner ?? throw new ArgumentNullException(nameof(inner)), ProviderNameOf(inner.GetType()))
    {
    }

    internal JobSafetyConnection(DbConnection inner, string providerName)
    {
        Inner = inner;
        ProviderName = providerName;
        // PostgreSQL aborts the whole transaction on any error (COMMIT then silently rolls back).
        AbortsTransactionOnError = providerName.StartsWith("Npgsql", StringComparison.Ordinal);
        inner.StateChange += ForwardStateChange;
    }

    /// <summary>The provider's connection. Commands or transactions created on it directly are not tracked.</summary>
    public DbConnection Inner { get; }

    /// <summary>The provider name used in messages.</summary>
    public string ProviderName { get; }

    internal bool AbortsTransactionOnError { get; }

    internal JobSafetyTransaction? CurrentTransaction => _current is { Tracked.IsCompleted: false } current ? current : null;

    internal static string ProviderNameOf(Type type) => type.Assembly.GetName().Name ?? type.Name;

    /// <inheritdoc />
    [AllowNull]
    public override string ConnectionString
    {
        get => Inner.ConnectionString;
        set => Inner.ConnectionString = value;
    }

    /// <inheritdoc />
    public override int ConnectionTimeout => Inner.ConnectionTimeout;

    /// <inheritdoc />
    public override string Database => Inner.Database;

    /// <inheritdoc />
    public override string DataSource => Inner.DataSource;

    /// <inheritdoc />
    public override string ServerVersion => Inner.ServerVersion;

    /// <inheritdoc />
    public override ConnectionState State => Inner.State;

    /// <inheritdoc />
    public override void ChangeDatabase(string databaseName) => Inner.ChangeDatabase(databaseName);

    /// <inheritdoc />
    public override Task ChangeDatabaseAsync(string databaseName, CancellationToken cancellationToken = default) =>
        Inner.ChangeDatabaseAsync(databaseName, cancellationToken);

    /// <inheritdoc />
    public override void Open() => Inner.Open();

    /// <inheritdoc />
    public override Task OpenAsync(CancellationToken cancellationToken) => Inner.OpenAsync(cancellationToken);

    /// <inheritdoc />
    public override void Close()
    {
        try
        {
            Inner.Close();
        }
        finally
        {
            ConnectionEnded();
        }
    }

    /// <inheritdoc />
    public override async Task CloseAsync()
    {
        try
        {
            await Inner.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            ConnectionEnded();
        }
    }

    /// <inheritdoc />
    public override void EnlistTransaction(System.Transactions.Transaction? transaction) => Inner.EnlistTransaction(transaction);

    /// <inheritdoc />
    public override DataTable GetSchema() => Inner.GetSchema();

    /// <inheritdoc />
    public override DataTable GetSchema(string collectionName) => Inner.GetSchema(collectionName);

    /// <inheritdoc />
    public override DataTable GetSchema(string collectionName, string?[] restrictionValues) => Inner.GetSchema(collectionName, restrictionValues);

    /// <inheritdoc />
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
    {
        var inner = Inner.BeginTransaction(isolationLevel);
        var tracked = new TrackedTransaction(TransactionKind.AdoNet, ProviderName, Origin());
        TransactionTracker.Register(tracked);
        return _current = new JobSafetyTransaction(this, inner, tracked);
    }

    /// <inheritdoc />
    /// <remarks>Not an async method on purpose: the transaction is registered in the caller's execution context before the
    /// first await, so the caller sees it after awaiting (an async method's AsyncLocal changes would be lost).</remarks>
    protected override ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken)
    {
        var tracked = new TrackedTransaction(TransactionKind.AdoNet, ProviderName, Origin());
        TransactionTracker.Register(tracked);
        ValueTask<DbTransaction> inner;
        try
        {
            inner = Inner.BeginTransactionAsync(isolationLevel, cancellationToken);
        }
        catch (Exception ex)
        {
            tracked.CompleteAsRolledBack();
            return Faulted.ValueTask<DbTransaction>(ex);
        }
        if (!inner.IsCompletedSuccessfully) return Core(tracked, inner);
        // The provider began it synchronously (Npgsql sends BEGIN with the first command): no async frame.
        return new ValueTask<DbTransaction>(_current = new JobSafetyTransaction(this, inner.Result, tracked));

        async ValueTask<DbTransaction> Core(TrackedTransaction tracked, ValueTask<DbTransaction> pending)
        {
            DbTransaction inner;
            try
            {
                inner = await pending.ConfigureAwait(false);
            }
            catch
            {
                tracked.CompleteAsRolledBack();
                throw;
            }
            return _current = new JobSafetyTransaction(this, inner, tracked);
        }
    }

    /// <inheritdoc />
    protected override DbCommand CreateDbCommand() => new JobSafetyCommand(Inner.CreateCommand(), this);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.StateChange -= ForwardStateChange;
            try
            {
                Inner.Dispose();
            }
            finally
            {
                ConnectionEnded();
            }
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    /// <remarks>No async frame of its own when the provider's dispose completes at once (returning a pooled connection).</remarks>
    public override ValueTask DisposeAsync()
    {
        Inner.StateChange -= ForwardStateChange;
        ValueTask inner;
        try
        {
            inner = Inner.DisposeAsync();
        }
        catch (Exception ex)
        {
            ConnectionEnded();
            return Faulted.ValueTask(ex);
        }
        if (!inner.IsCompletedSuccessfully) return DisposeSlowAsync(inner);
        inner.GetAwaiter().GetResult();
        ConnectionEnded();
        GC.SuppressFinalize(this);
        return default;
    }

    private async ValueTask DisposeSlowAsync(ValueTask inner)
    {
        try
        {
            await inner.ConfigureAwait(false);
        }
        finally
        {
            ConnectionEnded();
        }
        GC.SuppressFinalize(this);
    }

    private static string? Origin() => JobSafetyConfiguration.Current.CaptureTransactionOrigin ? CallerLocator.FindCallingMethod() : null;

    /// <summary>A connection that closes with a transaction open rolls it back.</summary>
    private void ConnectionEnded() => CurrentTransaction?.Tracked.NotifyRolledBack();

    private void ForwardStateChange(object sender, StateChangeEventArgs e) => OnStateChange(e);

    internal static DbConnection? Unwrap(DbConnection? connection) => connection is JobSafetyConnection wrapped ? wrapped.Inner : connection;
}
