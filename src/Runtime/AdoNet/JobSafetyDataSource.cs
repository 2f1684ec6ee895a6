using System.Data.Common;

namespace JobSafety.AdoNet;

/// <summary>
/// Wraps any <see cref="DbDataSource"/> (e.g. <c>NpgsqlDataSource</c>) so that every transaction begun on its connections is
/// tracked by JobSafety. Create it once at start-up: <c>DbDataSource db = npgsqlDataSource.WithJobSafety();</c>.
/// </summary>
/// <remarks>Connections handed out are <see cref="JobSafetyConnection"/>s, not the provider's type: code that casts them to
/// <c>NpgsqlConnection</c> fails with an <see cref="InvalidCastException"/>. EF Core's Npgsql provider does exactly that, so
/// use the JobSafety EF Core interceptor there instead of this wrapper. Disposing the wrapper disposes the inner data source.</remarks>
public sealed class JobSafetyDataSource : DbDataSource
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The provider's data source.</param>
    public JobSafetyDataSource(DbDataSource inner)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ProviderName = JobSafetyConnection.ProviderNameOf(inner.GetType());
    }

    /// <summary>The wrapped data source.</summary>
    public DbDataSource Inner { get; }

    /// <summary>The provider name used in messages (the provider assembly's name, e.g. <c>Npgsql</c>).</summary>
    public string ProviderName { get; }

    /// <inheritdoc />
    public override string ConnectionString => Inner.ConnectionString;

    /// <inheritdoc />
    protected override DbConnection CreateDbConnection() => new JobSafetyConnection(Inner.CreateConnection(), ProviderName);

    /// <inheritdoc />
    protected override DbConnection OpenDbConnection() => new JobSafetyConnection(Inner.OpenConnection(), ProviderName);

    /// <inheritdoc />
    /// <remarks>No async frame of its own when the provider hands out a pooled connection at once.</remarks>
    protected override ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<DbConnection> inner;
        try
        {
            inner = Inner.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            return Faulted.ValueTask<DbConnection>(ex);
        }
        return inner.IsCompletedSuccessfully
            ? new ValueTask<DbConnection>(new JobSafetyConnection(inner.Result, ProviderName))
            : WrapAsync(inner);
    }

    private async ValueTask<DbConnection> WrapAsync(ValueTask<DbConnection> inner) =>
        new JobSafetyConnection(await inner.ConfigureAwait(false), ProviderName);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }
}
