using System.Data.Common;
using JobSafety.AdoNet;
using JobSafety.Tests.Infrastructure;
using Npgsql;

namespace JobSafety.Runtime.Tests.Support;

/// <summary>Real PostgreSQL through the JobSafety wrapper. Fails (never skips) when PostgreSQL is not reachable.</summary>
internal static class Db
{
    private static readonly Lazy<JobSafetyDataSource> s_source = new(() => NpgsqlDataSource.Create(NotEnlisting).WithJobSafety());
    private static readonly Lazy<NpgsqlDataSource> s_raw = new(() => NpgsqlDataSource.Create(NotEnlisting));

    private static string NotEnlisting => new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres()) { Enlist = false }.ConnectionString;

    public static JobSafetyDataSource Source
    {
        get
        {
            TestServices.RequirePostgres();
            return s_source.Value;
        }
    }

    /// <summary>Unwrapped, for checks from outside the transaction.</summary>
    public static NpgsqlDataSource Raw
    {
        get
        {
            TestServices.RequirePostgres();
            return s_raw.Value;
        }
    }

    /// <summary>A connection string that enlists in ambient TransactionScopes.</summary>
    public static string EnlistingConnectionString => new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres()) { Enlist = true }.ConnectionString;

    public static async Task<string> CreateTableAsync(string columns = "id int PRIMARY KEY, v text")
    {
        var name = "js_" + Guid.NewGuid().ToString("N")[..16];
        await using var cmd = Raw.CreateCommand($"CREATE TABLE {name} ({columns})");
        await cmd.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task InsertAsync(DbConnection connection, string table, int id, DbTransaction? tx = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"INSERT INTO {table} (id, v) VALUES ({id}, 'x')";
        if (tx is not null) cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync();
    }

    public static void Insert(DbConnection connection, string table, int id)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"INSERT INTO {table} (id, v) VALUES ({id}, 'x')";
        cmd.ExecuteNonQuery();
    }

    public static async Task<long> CountAsync(string table)
    {
        await using var cmd = Raw.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>Tests that change the process-wide configuration run alone and reset it afterwards.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalConfigurationCollection
{
    public const string Name = "JobSafety global configuration";
}

public abstract class GlobalConfigurationTest : IDisposable
{
    protected GlobalConfigurationTest() => JobSafetyConfiguration.ResetForTests();

    public void Dispose()
    {
        JobSafetyConfiguration.ResetForTests();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Captures log entries.</summary>
internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
    }
}
