using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace JobSafety.AdoNet;

/// <summary>
/// A <see cref="DbCommand"/> that forwards to the provider's command and unwraps JobSafety connections and transactions
/// assigned to it (<c>cmd.Transaction = wrappedTransaction</c> works). It also notices failed commands, because PostgreSQL
/// turns the COMMIT of a transaction that saw an error into a silent rollback.
/// </summary>
public sealed class JobSafetyCommand : DbCommand
{
    private JobSafetyConnection? _connection;
    private DbTransaction? _transaction;

    internal JobSafetyCommand(DbCommand inner, JobSafetyConnection connection)
    {
        Inner = inner;
        _connection = connection;
        var current = connection.CurrentTransaction;
        if (current is not null)
        {
            _transaction = current;
            inner.Transaction = current.Inner;
        }
    }

    /// <summary>The provider's command.</summary>
    public DbCommand Inner { get; }

    /// <inheritdoc />
    [AllowNull]
    public override string CommandText
    {
        get => Inner.CommandText;
        set => Inner.CommandText = value;
    }

    /// <inheritdoc />
    public override int CommandTimeout
    {
        get => Inner.CommandTimeout;
        set => Inner.CommandTimeout = value;
    }

    /// <inheritdoc />
    public override CommandType CommandType
    {
        get => Inner.CommandType;
        set => Inner.CommandType = value;
    }

    /// <inheritdoc />
    public override bool DesignTimeVisible
    {
        get => Inner.DesignTimeVisible;
        set => Inner.DesignTimeVisible = value;
    }

    /// <inheritdoc />
    public override UpdateRowSource UpdatedRowSource
    {
        get => Inner.UpdatedRowSource;
        set => Inner.UpdatedRowSource = value;
    }

    /// <inheritdoc />
    protected override DbConnection? DbConnection
    {
        get => _connection ?? Inner.Connection;
        set
        {
            _connection = value as JobSafetyConnection;
            Inner.Connection = JobSafetyConnection.Unwrap(value);
        }
    }

    /// <inheritdoc />
    protected override DbTransaction? DbTransaction
    {
        get => _transaction ?? Inner.Transaction;
        set
        {
            _transaction = value;
            Inner.Transaction = JobSafetyTransaction.Unwrap(value);
        }
    }

    /// <inheritdoc />
    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

    /// <inheritdoc />
    public override void Cancel() => Inner.Cancel();

    /// <inheritdoc />
    protected override DbParameter CreateDbParameter() => Inner.CreateParameter();

    /// <inheritdoc />
    public override void Prepare() => Inner.Prepare();

    /// <inheritdoc />
    public override Task PrepareAsync(CancellationToken cancellationToken = default) => Inner.PrepareAsync(cancellationToken);

    /// <inheritdoc />
    public override int ExecuteNonQuery()
    {
        try
        {
            return Inner.ExecuteNonQuery();
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>No async frame of its own when the provider's task completed successfully at once; otherwise one, to notice a
    /// failed command.</remarks>
    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        Task<int> task;
        try
        {
            task = Inner.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            if (ex is DbException) Failed();
            return Faulted.Task<int>(ex);
        }
        return task.IsCompletedSuccessfully ? task : ObserveAsync(task);
    }

    private async Task<T> ObserveAsync<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
    }

    /// <inheritdoc />
    public override object? ExecuteScalar()
    {
        try
        {
            return Inner.ExecuteScalar();
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
    }

    /// <inheritdoc />
    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        Task<object?> task;
        try
        {
            task = Inner.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            if (ex is DbException) Failed();
            return Faulted.Task<object?>(ex);
        }
        return task.IsCompletedSuccessfully ? task : ObserveAsync(task);
    }

    /// <inheritdoc />
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        try
        {
            return Inner.ExecuteReader(behavior);
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
    }

    /// <inheritdoc />
    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        Task<DbDataReader> task;
        try
        {
            task = Inner.ExecuteReaderAsync(behavior, cancellationToken);
        }
        catch (Exception ex)
        {
            if (ex is DbException) Failed();
            return Faulted.Task<DbDataReader>(ex);
        }
        return task.IsCompletedSuccessfully ? task : ObserveAsync(task);
    }

    private void Failed() => (_transaction as JobSafetyTransaction ?? _connection?.CurrentTransaction)?.MarkFailed();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    /// <remarks>Returns the provider's task directly: nothing happens after it (no extra async frame).</remarks>
    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Inner.DisposeAsync();
    }
}
