using System.Net;
using StackExchange.Redis;

namespace JobSafety.Redis;

/// <summary>
/// An <see cref="ISubscriber"/> decorator (Redis pub/sub) that asks the JobSafety guard before every publish:
/// <c>Publish</c> and <c>PublishAsync</c> are <see cref="SideEffectCategory.Enqueue"/>, target
/// <c>Redis Publish &lt;channel&gt;</c> (<c>Redis PublishAsync &lt;channel&gt;</c>), exactly like
/// <see cref="JobSafetyDatabase"/>'s <c>Publish</c>. Every other member (<c>Subscribe</c>, <c>Unsubscribe</c>,
/// <c>Ping</c>, <c>IdentifyEndpoint</c>, <c>IsConnected</c>, <c>Multiplexer</c>, <c>Wait</c>...) forwards to the inner
/// subscriber unchanged. Create it with <c>multiplexer.GetSubscriber().WithJobSafety()</c>.
/// </summary>
/// <remarks>A message published inside an open database transaction reaches subscribers before the commit, or even
/// though the transaction then rolls back. Publish it after the commit instead:
/// <c>TransactionEvents.AfterCommit(ct =&gt; subscriber.PublishAsync(channel, message))</c>.</remarks>
public sealed class JobSafetySubscriber : ISubscriber
{
    private readonly ISubscriber _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The subscriber to guard.</param>
    public JobSafetySubscriber(ISubscriber inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The wrapped subscriber.</summary>
    public ISubscriber Inner => _inner;

    // Guarded: publishing is an enqueue (the same check and target as IDatabase.Publish).

    long ISubscriber.Publish(RedisChannel channel, RedisValue message, CommandFlags flags)
    {
        JobSafetyDatabase.CheckEnqueue("Publish", channel);
        return _inner.Publish(channel, message, flags);
    }

    Task<long> ISubscriber.PublishAsync(RedisChannel channel, RedisValue message, CommandFlags flags)
    {
        JobSafetyDatabase.CheckEnqueue("PublishAsync", channel);
        return _inner.PublishAsync(channel, message, flags);
    }

    // Forwarded unchanged.

    EndPoint? ISubscriber.IdentifyEndpoint(RedisChannel channel, CommandFlags flags) => _inner.IdentifyEndpoint(channel, flags);

    Task<EndPoint?> ISubscriber.IdentifyEndpointAsync(RedisChannel channel, CommandFlags flags) => _inner.IdentifyEndpointAsync(channel, flags);

    bool ISubscriber.IsConnected(RedisChannel channel) => _inner.IsConnected(channel);

    void ISubscriber.Subscribe(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CommandFlags flags) =>
        _inner.Subscribe(channel, handler, flags);

    Task ISubscriber.SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CommandFlags flags) =>
        _inner.SubscribeAsync(channel, handler, flags);

    ChannelMessageQueue ISubscriber.Subscribe(RedisChannel channel, CommandFlags flags) => _inner.Subscribe(channel, flags);

    Task<ChannelMessageQueue> ISubscriber.SubscribeAsync(RedisChannel channel, CommandFlags flags) => _inner.SubscribeAsync(channel, flags);

    EndPoint? ISubscriber.SubscribedEndpoint(RedisChannel channel) => _inner.SubscribedEndpoint(channel);

    void ISubscriber.Unsubscribe(RedisChannel channel, Action<RedisChannel, RedisValue>? handler, CommandFlags flags) =>
        _inner.Unsubscribe(channel, handler, flags);

    Task ISubscriber.UnsubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue>? handler, CommandFlags flags) =>
        _inner.UnsubscribeAsync(channel, handler, flags);

    void ISubscriber.UnsubscribeAll(CommandFlags flags) => _inner.UnsubscribeAll(flags);

    Task ISubscriber.UnsubscribeAllAsync(CommandFlags flags) => _inner.UnsubscribeAllAsync(flags);

    TimeSpan IRedis.Ping(CommandFlags flags) => _inner.Ping(flags);

    IConnectionMultiplexer IRedisAsync.Multiplexer => _inner.Multiplexer;

    Task<TimeSpan> IRedisAsync.PingAsync(CommandFlags flags) => _inner.PingAsync(flags);

#pragma warning disable SER308 // sync-over-async: the caller chose to block; a decorator only forwards the call
    bool IRedisAsync.TryWait(Task task) => _inner.TryWait(task);

    void IRedisAsync.Wait(Task task) => _inner.Wait(task);

    T IRedisAsync.Wait<T>(Task<T> task) => _inner.Wait(task);

    void IRedisAsync.WaitAll(params Task[] tasks) => _inner.WaitAll(tasks);
#pragma warning restore SER308
}
