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
    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
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
    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.ExecuteReaderAsync(behavior, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            Failed();
            throw;
        }
    }

    private void Failed() => (_transaction as JobSafetyTransaction ?? _connection?.CurrentTransaction)?.MarkFailed();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
