using System.Globalization;
using System.Threading.Channels;
using JobSafety.Redis;
using JobSafety.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace JobSafety.Integrations.Tests;

/// <summary>Redis pub/sub (<see cref="ISubscriber"/>): a listener on its own multiplexer subscribes to a channel of the test
/// and, for each "key|commentId" notification, looks the comment up from outside the transaction (as another process
/// would). Messages are handled in order (a <see cref="ChannelMessageQueue"/>), so "nothing was received" is asserted
/// without sleeping: a sentinel published afterwards on the same producer connection must be the next message.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RedisSubscriberTests : IAsyncLifetime
{
    private const string Sentinel = "sentinel";

    private readonly Services _services;
    private readonly RedisChannel _channel = RedisChannel.Literal("jobsafety:it:pubsub:" + Guid.NewGuid().ToString("N"));
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>(); // keys, in arrival order
    private ConnectionMultiplexer _producer = null!;
    private ConnectionMultiplexer _listenerConnection = null!;
    private ChannelMessageQueue _queue = null!;

    public RedisSubscriberTests(Services services) => _services = services;

    public async Task InitializeAsync()
    {
        var configuration = TestServices.RequireRedis();
        _producer = await ConnectionMultiplexer.ConnectAsync(configuration);
        _listenerConnection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _queue = await _listenerConnection.GetSubscriber().SubscribeAsync(_channel); // completes once SUBSCRIBE is confirmed
        _queue.OnMessage(message =>
        {
            var parts = ((string?)message.Message)!.Split('|');
            if (parts[0] != Sentinel) Probe.Report(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
            _received.Writer.TryWrite(parts[0]);
        });
    }

    public async Task DisposeAsync()
    {
        await _queue.UnsubscribeAsync();
        await _producer.DisposeAsync();
        await _listenerConnection.DisposeAsync();
    }

    /// <summary>The next message the listener received (fails the test after the timeout).</summary>
    private async Task<string> NextReceivedAsync()
    {
        using var timeout = new CancellationTokenSource(Services.Timeout);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the subscriber received nothing on {_channel} within {Services.Timeout.TotalSeconds} s");
            throw;
        }
    }

    /// <summary>Asserts that nothing was delivered so far: a sentinel published now, outside any transaction and on the
    /// producer's connection, is the next message the listener sees (Redis delivers one connection's publishes in order).</summary>
    private async Task AssertNothingReceivedAsync()
    {
        Assert.Equal(1, await _producer.GetSubscriber().PublishAsync(_channel, Sentinel + "|0"));
        Assert.Equal(Sentinel, await NextReceivedAsync());
    }

    [Fact]
    public async Task Guarded_publish_inside_a_transaction_throws_and_no_subscriber_receives_it()
    {
        var key = Comments.NewKey("redis-pub-guard");
        var subscriber = _producer.GetSubscriber().WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");

            var ex = await Assert.ThrowsAsync<NonAtomicEnqueueException>(() => subscriber.PublishAsync(_channel, key + "|" + id));
            Assert.Contains("Redis PublishAsync " + _channel, ex.Message, StringComparison.Ordinal);
            var sync = Assert.Throws<NonAtomicEnqueueException>(() => subscriber.Publish(_channel, key + "|" + id));
            Assert.Contains("Redis Publish " + _channel, sync.Message, StringComparison.Ordinal);
            Assert.Throws<NonAtomicEnqueueException>(() => subscriber.Publish(_channel, key + "|" + id, CommandFlags.FireAndForget));

            await tx.CommitAsync(); // even after the commit, the refused publishes were never sent
        }

        await AssertNothingReceivedAsync();
        Assert.False(Probe.Reported(key));
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_the_publish_is_received_after_the_commit_and_not_after_a_rollback()
    {
        var key = Comments.NewKey("redis-pub-defer");
        var subscriber = _producer.GetSubscriber().WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        TransactionCallbackHandle committed;
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            committed = TransactionEvents.AfterCommit(ct => subscriber.PublishAsync(_channel, key + "|" + id));
            Assert.False(committed.Task.IsCompleted);
            await tx.CommitAsync();
        }
        await committed.Task; // the guarded publish ran (no transaction open any more) and succeeded
        Assert.Equal(key, await NextReceivedAsync());
        Assert.True(await Probe.WaitAsync(key)); // the subscriber found the committed comment

        var rolledBack = Comments.NewKey("redis-pub-defer-rb");
        TransactionCallbackHandle dropped;
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            dropped = TransactionEvents.AfterCommit(ct => subscriber.PublishAsync(_channel, rolledBack + "|" + id));
            await tx.RollbackAsync();
        }
        Assert.True(dropped.Task.IsCanceled);
        await AssertNothingReceivedAsync();
        Assert.False(Probe.Reported(rolledBack));
    }

    [Fact]
    public async Task Guarded_publish_outside_a_transaction_is_delivered()
    {
        var subscriber = _producer.GetSubscriber().WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        int first, second;
        await using (var conn = await db.OpenConnectionAsync())
        {
            first = await Comments.InsertAsync(conn, null, "hello"); // autocommit: no transaction open
            second = await Comments.InsertAsync(conn, null, "again");
        }
        var asyncKey = Comments.NewKey("redis-pub-out-async");
        var syncKey = Comments.NewKey("redis-pub-out-sync");

        Assert.Equal(1, await subscriber.PublishAsync(_channel, asyncKey + "|" + first)); // one subscriber: the listener
        Assert.Equal(1, subscriber.Publish(_channel, syncKey + "|" + second));

        Assert.Equal(asyncKey, await NextReceivedAsync());
        Assert.Equal(syncKey, await NextReceivedAsync());
        Assert.True(await Probe.WaitAsync(asyncKey));
        Assert.True(await Probe.WaitAsync(syncKey));
    }

    [Fact]
    public async Task Unguarded_subscriber_publish_inside_a_transaction_is_delivered_at_once_before_the_commit()
    {
        var key = Comments.NewKey("redis-pub-race");
        var subscriber = _producer.GetSubscriber(); // not WithJobSafety(): the tracker sees the transaction, nobody asks it
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");
        Assert.True(SideEffects.IsGuardActive);

        Assert.Equal(1, await subscriber.PublishAsync(_channel, key + "|" + id));

        Assert.Equal(key, await NextReceivedAsync()); // received while the transaction is still open...
        var found = await Probe.WaitAsync(key);
        await tx.CommitAsync();
        Assert.False(found); // ...so the subscriber looked for the comment before it existed
        Assert.True(Probe.CommentExists(id));
    }

    [Fact]
    public async Task Subscribing_and_other_members_are_forwarded_and_not_checked_inside_a_transaction()
    {
        var inner = _producer.GetSubscriber();
        var subscriber = inner.WithJobSafety();
        Assert.IsType<JobSafetySubscriber>(subscriber);
        Assert.Same(subscriber, subscriber.WithJobSafety());
        Assert.Same(inner, ((JobSafetySubscriber)subscriber).Inner);
        Assert.Same(_producer, subscriber.Multiplexer);

        var other = RedisChannel.Literal("jobsafety:it:pubsub:other:" + Guid.NewGuid().ToString("N"));
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            // Not side effects: subscribing, pinging and asking where a channel lives work inside the transaction.
            await subscriber.SubscribeAsync(other, (_, message) => got.TrySetResult((string)message!));
            Assert.True(subscriber.IsConnected(other));
            Assert.NotNull(subscriber.SubscribedEndpoint(other));
            Assert.Equal(inner.IdentifyEndpoint(other), subscriber.IdentifyEndpoint(other));
            Assert.Equal(await inner.IdentifyEndpointAsync(other), await subscriber.IdentifyEndpointAsync(other));
            Assert.True(subscriber.Ping() >= TimeSpan.Zero);
            Assert.True(await subscriber.PingAsync() >= TimeSpan.Zero);
            await tx.RollbackAsync();
        }

        Assert.Equal(1, await subscriber.PublishAsync(other, "hi"));
        var done = await Task.WhenAny(got.Task, Task.Delay(Services.Timeout));
        Assert.Same(got.Task, done);
        Assert.Equal("hi", await got.Task);

        await subscriber.UnsubscribeAsync(other);
        Assert.Null(subscriber.SubscribedEndpoint(other));
        Assert.Equal(0, await subscriber.PublishAsync(other, "nobody listens"));
    }

    [Fact]
    public void Every_ISubscriber_member_is_implemented_explicitly()
    {
        foreach (var iface in new[] { typeof(ISubscriber) }.Concat(typeof(ISubscriber).GetInterfaces()))
        {
            var map = typeof(JobSafetySubscriber).GetInterfaceMap(iface);
            Assert.All(map.TargetMethods, m => Assert.Equal(typeof(JobSafetySubscriber), m.DeclaringType));
        }
    }
}
