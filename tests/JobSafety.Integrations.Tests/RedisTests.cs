using JobSafety.Redis;
using JobSafety.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace JobSafety.Integrations.Tests;

/// <summary>The same three outcomes for a Redis list queue: a consumer doing BRPOP on its own multiplexer reads the comment
/// id and looks the comment up.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RedisTests : IAsyncLifetime
{
    private readonly Services _services;
    private readonly string _queue = "jobsafety:it:" + Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stop = new();
    private ConnectionMultiplexer _producer = null!;
    private ConnectionMultiplexer _consumerConnection = null!;
    private Task _consumer = Task.CompletedTask;

    public RedisTests(Services services) => _services = services;

    public async Task InitializeAsync()
    {
        var configuration = TestServices.RequireRedis();
        _producer = await ConnectionMultiplexer.ConnectAsync(configuration);
        _consumerConnection = await ConnectionMultiplexer.ConnectAsync(configuration); // blocking commands need their own
        _consumer = Task.Run(ConsumeAsync);
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        await _consumer;
        await _producer.GetDatabase().KeyDeleteAsync(_queue);
        await _producer.DisposeAsync();
        await _consumerConnection.DisposeAsync();
    }

    private async Task ConsumeAsync()
    {
        var db = _consumerConnection.GetDatabase();
        while (!_stop.IsCancellationRequested)
        {
            var result = await db.ExecuteAsync("BRPOP", _queue, 1);
            if (result.IsNull) continue;
            var message = ((string?)((RedisResult[])result!)[1])!; // "key|commentId"
            var parts = message.Split('|');
            Probe.Report(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Unguarded_the_consumer_pops_before_the_commit_and_does_not_find_the_comment()
    {
        var key = Comments.NewKey("redis-race");
        await using var conn = new NpgsqlConnection(_services.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        await _producer.GetDatabase().ListLeftPushAsync(_queue, key + "|" + id);

        var found = await Probe.WaitAsync(key);
        await tx.CommitAsync();
        Assert.False(found);
        Assert.True(Probe.CommentExists(id));
    }

    [Fact]
    public async Task Guarded_the_push_throws_and_nothing_reaches_the_queue()
    {
        var key = Comments.NewKey("redis-guard");
        var redis = _producer.GetDatabase().WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        var ex = await Assert.ThrowsAsync<NonAtomicEnqueueException>(() => redis.ListLeftPushAsync(_queue, key + "|" + id));
        Assert.Contains("Redis ListLeftPushAsync " + _queue, ex.Message, StringComparison.Ordinal);
        Assert.Throws<NonAtomicEnqueueException>(() => redis.Publish(RedisChannel.Literal("it-channel"), "x"));
        Assert.Throws<NonAtomicOtherSideEffectException>(() => redis.StringSet("it-key", "x"));
        Assert.Equal(0, redis.ListLength(_queue)); // reads are not checked

        await tx.RollbackAsync();
        await Task.Delay(200);
        Assert.False(Probe.Reported(key));
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_the_consumer_finds_the_comment_and_a_rollback_pushes_nothing()
    {
        var key = Comments.NewKey("redis-defer");
        var redis = _producer.GetDatabase().WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(ct => redis.ListLeftPushAsync(_queue, key + "|" + id));
            await tx.CommitAsync();
        }
        Assert.True(await Probe.WaitAsync(key));

        var rolledBack = Comments.NewKey("redis-defer-rb");
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(ct => redis.ListLeftPushAsync(_queue, rolledBack + "|" + id));
            await tx.RollbackAsync();
        }
        await Task.Delay(300);
        Assert.False(Probe.Reported(rolledBack));
        Assert.Equal(0, await redis.ListLengthAsync(_queue));
    }

    [Fact]
    public async Task The_decorator_forwards_reads_and_writes_outside_transactions()
    {
        var redis = _producer.GetDatabase().WithJobSafety();
        var k = "jobsafety:it:fwd:" + Guid.NewGuid().ToString("N");
        Assert.True(await redis.StringSetAsync(k, "v", TimeSpan.FromMinutes(1)));
        Assert.Equal("v", (string?)await redis.StringGetAsync(k));
        Assert.Equal(1, redis.HashSet(k + ":h", "f", "1") ? 1 : 0);
        Assert.Equal(2, await redis.HashIncrementAsync(k + ":h", "f"));
        Assert.Equal(2, await redis.SortedSetAddAsync(k + ":z", new[] { new SortedSetEntry("a", 1), new SortedSetEntry("b", 2) }));
        Assert.Equal(new RedisValue[] { "b" }, await redis.SortedSetRangeByScoreAsync(k + ":z", 2, 3));
        Assert.Equal(_producer.GetDatabase().Database, redis.Database);
        Assert.Same(_producer, redis.Multiplexer);
        Assert.Equal(3, await redis.KeyDeleteAsync(new RedisKey[] { k, k + ":h", k + ":z" }));
    }

    [Fact]
    public async Task Batches_and_MULTI_EXEC_transactions_are_guarded_when_commands_are_queued()
    {
        var redis = _producer.GetDatabase().WithJobSafety();
        var k = "jobsafety:it:batch:" + Guid.NewGuid().ToString("N");
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var batch = redis.CreateBatch();
            Assert.IsType<JobSafetyBatch>(batch);
            await Assert.ThrowsAsync<NonAtomicEnqueueException>(() => batch.ListRightPushAsync(k, "x"));
            var multi = redis.CreateTransaction();
            Assert.IsType<JobSafetyTransaction>(multi);
            await Assert.ThrowsAsync<NonAtomicOtherSideEffectException>(() => multi.StringSetAsync(k, "x"));
            await tx.RollbackAsync();
        }

        var ok = redis.CreateTransaction();
        ok.AddCondition(Condition.KeyNotExists(k + ":lock"));
        var set = ok.StringSetAsync(k, "v", TimeSpan.FromMinutes(1));
        Assert.True(await ok.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal("v", (string?)await redis.StringGetAsync(k));
        await redis.KeyDeleteAsync(k);
    }

    [Fact]
    public void Every_IDatabase_member_is_implemented_by_forwarding()
    {
        // The generated decorator implements each interface member explicitly: no default interface method is left to chance.
        var map = typeof(JobSafetyDatabase).GetInterfaceMap(typeof(IDatabase));
        Assert.All(map.TargetMethods, m => Assert.Equal(typeof(JobSafetyDatabase), m.DeclaringType));
        foreach (var iface in typeof(IDatabase).GetInterfaces())
        {
            var inherited = typeof(JobSafetyDatabase).GetInterfaceMap(iface);
            Assert.All(inherited.TargetMethods, m => Assert.Equal(typeof(JobSafetyDatabase), m.DeclaringType));
        }
    }
}
