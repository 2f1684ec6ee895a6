using System.Collections.Concurrent;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using JobSafety.Tests.Infrastructure;
using Npgsql;

namespace JobSafety.Integrations.Tests;

/// <summary>Every test of this project shares one PostgreSQL table, one Hangfire server and the process-wide guard
/// configuration (Throw mode), so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IntegrationCollection : ICollectionFixture<Services>
{
    public const string Name = "Integrations (real services, sequential)";
}

/// <summary>The comments table, a Hangfire.PostgreSql storage in a schema of its own and a BackgroundJobServer, per test run.</summary>
public sealed class Services : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public Services()
    {
        ConnectionString = TestServices.RequirePostgres();
        var run = Guid.NewGuid().ToString("N")[..10];
        Table = "it_comments_" + run;
        HangfireSchema = "it_hangfire_" + run;
        Execute($"CREATE TABLE {Table} (id serial PRIMARY KEY, body text NOT NULL)");
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);

        var options = new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromMilliseconds(100),
            DistributedLockTimeout = TimeSpan.FromSeconds(10),
        };
        Storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(ConnectionString, options, null), options);
        Server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = 2,
                SchedulePollingInterval = TimeSpan.FromMilliseconds(200),
                ServerCheckInterval = TimeSpan.FromSeconds(5),
                HeartbeatInterval = TimeSpan.FromSeconds(5),
                ServerName = "it-" + run,
            },
            Storage);
        Probe.ConnectionString = ConnectionString;
        Probe.Table = Table;
    }

    public string ConnectionString { get; }

    public string Table { get; }

    public string HangfireSchema { get; }

    public PostgreSqlStorage Storage { get; }

    public BackgroundJobServer Server { get; }

    /// <summary>A connection string that never enlists in an ambient transaction (for looking from outside).</summary>
    public string OutsideConnectionString => ConnectionString + ";Enlist=false";

    public void Execute(string sql)
    {
        using var conn = new NpgsqlConnection(OutsideConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Jobs stored for <paramref name="key"/> (any state).</summary>
    public long CountJobs(string key)
    {
        using var conn = new NpgsqlConnection(OutsideConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {HangfireSchema}.job WHERE arguments::text LIKE @k", conn);
        cmd.Parameters.AddWithValue("k", "%" + key + "%");
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Server.SendStop();
        Server.Dispose();
        try
        {
            Execute($"DROP TABLE IF EXISTS {Table}; DROP SCHEMA IF EXISTS {HangfireSchema} CASCADE");
        }
        catch (NpgsqlException)
        {
            // best effort: a unique name per run anyway
        }
    }
}

/// <summary>What consumers (Hangfire jobs, the Redis consumer, the HTTP and SMTP test servers) report back: whether the
/// comment they were told about was visible to them, keyed per test.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> s_seen = new();

    public static string ConnectionString { get; set; } = "";

    public static string Table { get; set; } = "";

    public static TaskCompletionSource<bool> For(string key) =>
        s_seen.GetOrAdd(key, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Looks for the comment from a connection of its own (what another process would see) and reports it.</summary>
    public static bool Report(string key, int commentId)
    {
        var found = CommentExists(commentId);
        For(key).TrySetResult(found);
        return found;
    }

    public static bool CommentExists(int commentId)
    {
        using var conn = new NpgsqlConnection(ConnectionString + ";Enlist=false");
        conn.Open();
        using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {Table} WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", commentId);
        return (long)cmd.ExecuteScalar()! > 0;
    }

    /// <summary>Waits for the consumer's report; fails the test after the timeout.</summary>
    public static async Task<bool> WaitAsync(string key)
    {
        var task = For(key).Task;
        var done = await Task.WhenAny(task, Task.Delay(Services.Timeout));
        Assert.True(done == task, $"the consumer did not report '{key}' within {Services.Timeout.TotalSeconds} s");
        return await task;
    }

    public static bool Reported(string key) => s_seen.TryGetValue(key, out var tcs) && tcs.Task.IsCompleted;
}

/// <summary>The Hangfire job of the proof: read the comment back, as a notification job would.</summary>
public static class CommentJobs
{
    public static void ReadBack(string key, int commentId) => Probe.Report(key, commentId);
}

/// <summary>The service under test: insert a comment in the caller's transaction.</summary>
public static class Comments
{
    public static async Task<int> InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string body)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"INSERT INTO {Probe.Table} (body) VALUES (@body) RETURNING id";
        var p = cmd.CreateParameter();
        p.ParameterName = "body";
        p.Value = body;
        cmd.Parameters.Add(p);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public static string NewKey(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");
}
