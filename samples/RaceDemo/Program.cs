using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using JobSafety;
using JobSafety.Hangfire;
using Npgsql;

// The race JobSafety exists for: "insert a comment, enqueue a job that notifies about it" inside one transaction.
var connectionString = Environment.GetEnvironmentVariable("JOBSAFETY_TEST_PG")
    ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=10";
var run = Guid.NewGuid().ToString("N")[..8];
var table = "race_demo_comments_" + run;
var schema = "race_demo_hangfire_" + run;
Demo.ConnectionString = connectionString;
Demo.Table = table;

try
{
    await Demo.ExecuteAsync($"CREATE TABLE {table} (id serial PRIMARY KEY, body text NOT NULL)");
}
catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
{
    Console.Error.WriteLine($"Cannot reach PostgreSQL ({ex.GetBaseException().Message}). Start it with scripts/services.sh start, or set JOBSAFETY_TEST_PG.");
    return 2;
}

JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
var storageOptions = new PostgreSqlStorageOptions { SchemaName = schema, QueuePollInterval = TimeSpan.FromMilliseconds(100) };
var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions, null), storageOptions);
var failures = 0;
using (var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 2, SchedulePollingInterval = TimeSpan.FromMilliseconds(200) }, storage))
{
    var plainClient = new BackgroundJobClient(storage, new JobFilterCollection());
    var guardedClient = new BackgroundJobClient(storage, new JobFilterCollection { new JobSafetyClientFilter() });
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    await using var guardedDataSource = NpgsqlDataSource.Create(connectionString).WithJobSafety();

    Console.WriteLine("A service inserts a comment and enqueues a Hangfire job that reads the comment back to send a notification.");
    Console.WriteLine("A real Hangfire server (2 workers, PostgreSQL storage) picks jobs up as soon as they are stored.");
    Console.WriteLine();

    // 1. Unguarded
    Console.WriteLine("1. Unguarded: the job is enqueued inside the open transaction, nothing checks it.");
    await using (var conn = await dataSource.OpenConnectionAsync())
    await using (var tx = await conn.BeginTransactionAsync())
    {
        var id = await Demo.InsertCommentAsync(conn, tx);
        var key = "case1-" + run;
        plainClient.Enqueue(() => Demo.ReadBack(key, id));
        Console.WriteLine($"   Comment #{id} is inserted but not committed yet; the job is already in the queue.");
        var seen = await Demo.WaitForJobAsync(key); // the transaction stays open until the job has run
        await tx.CommitAsync();
        if (seen == false)
        {
            Console.WriteLine($"   The job ran before the commit and did NOT find comment #{id}: the notification was lost,");
            Console.WriteLine("   even though the comment was committed a moment later. Had the transaction rolled back, the job would have run anyway.");
        }
        else
        {
            failures++;
            Console.WriteLine(seen is null ? "   The job did not run within 15 s (is the Hangfire server working?)." : "   Unexpected: the job found the comment.");
        }
    }
    Console.WriteLine();

    // 2. Guarded
    Console.WriteLine("2. Guarded: the same code with JobSafety (the data source wrapped with WithJobSafety(), Hangfire with UseJobSafety()).");
    await using (var conn = await guardedDataSource.OpenConnectionAsync())
    await using (var tx = await conn.BeginTransactionAsync())
    {
        var id = await Demo.InsertCommentAsync(conn, tx);
        var key = "case2-" + run;
        try
        {
            guardedClient.Enqueue(() => Demo.ReadBack(key, id));
            failures++;
            Console.WriteLine("   Unexpected: the enqueue was not stopped.");
        }
        catch (BackgroundJobClientException ex) when (ex.InnerException is NonAtomicSideEffectException guard)
        {
            Console.WriteLine("   JobSafety stopped the enqueue before the job was created:");
            Console.WriteLine("   \"" + guard.Message.Split(" The side effect")[0] + "\"");
        }
        await tx.RollbackAsync();
        var jobs = await Demo.CountJobsAsync(schema, key);
        Console.WriteLine($"   Jobs stored for comment #{id}: {jobs}.");
        Console.WriteLine("   (Throw mode, the default in development and tests; in production the default is Report: logged, counted, not thrown.)");
        if (jobs != 0) failures++;
    }
    Console.WriteLine();

    // 3. Deferred
    Console.WriteLine("3. Fixed: the enqueue is deferred with TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(...)).");
    await using (var conn = await guardedDataSource.OpenConnectionAsync())
    await using (var tx = await conn.BeginTransactionAsync())
    {
        var id = await Demo.InsertCommentAsync(conn, tx);
        var key = "case3-" + run;
        TransactionEvents.AfterCommit(() => guardedClient.Enqueue(() => Demo.ReadBack(key, id)));
        Console.WriteLine($"   Comment #{id} is inserted; jobs stored before the commit: {await Demo.CountJobsAsync(schema, key)}.");
        await tx.CommitAsync();
        var seen = await Demo.WaitForJobAsync(key);
        if (seen == true)
        {
            Console.WriteLine($"   After the commit the job was enqueued, ran, and found comment #{id}: the notification goes out.");
        }
        else
        {
            failures++;
            Console.WriteLine(seen is null ? "   The job did not run within 15 s." : "   Unexpected: the job did not find the comment.");
        }
    }
    await using (var conn = await guardedDataSource.OpenConnectionAsync())
    await using (var tx = await conn.BeginTransactionAsync())
    {
        var id = await Demo.InsertCommentAsync(conn, tx);
        var key = "case3-rollback-" + run;
        TransactionEvents.AfterCommit(() => guardedClient.Enqueue(() => Demo.ReadBack(key, id)));
        await tx.RollbackAsync();
        var jobs = await Demo.CountJobsAsync(schema, key);
        Console.WriteLine($"   And when the transaction rolls back instead, the deferred enqueue is dropped: jobs stored: {jobs}.");
        if (jobs != 0) failures++;
    }
    server.SendStop();
}

try
{
    await Demo.ExecuteAsync($"DROP TABLE IF EXISTS {table}; DROP SCHEMA IF EXISTS {schema} CASCADE");
}
catch (NpgsqlException)
{
    // best effort
}

Console.WriteLine();
Console.WriteLine(failures == 0 ? "All three cases behaved as described." : $"{failures} case(s) did not behave as described.");
return failures == 0 ? 0 : 1;

public static class Demo
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> s_results = new();

    public static string ConnectionString { get; set; } = "";

    public static string Table { get; set; } = "";

    /// <summary>The job: look the comment up from a connection of its own, as a notification job would.</summary>
    public static void ReadBack(string key, int commentId)
    {
        using var conn = new NpgsqlConnection(ConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {Table} WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", commentId);
        var found = (long)cmd.ExecuteScalar()! > 0;
        Result(key).TrySetResult(found);
    }

    public static async Task<bool?> WaitForJobAsync(string key)
    {
        var task = Result(key).Task;
        return await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(15))) == task ? await task : null;
    }

    public static async Task<int> InsertCommentAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {Table} (body) VALUES ('Nice post!') RETURNING id";
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<long> CountJobsAsync(string schema, string key)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {schema}.job WHERE arguments::text LIKE @k", conn);
        cmd.Parameters.AddWithValue("k", "%" + key + "%");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static TaskCompletionSource<bool> Result(string key) =>
        s_results.GetOrAdd(key, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
