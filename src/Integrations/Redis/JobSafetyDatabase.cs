using StackExchange.Redis;

namespace JobSafety.Redis;

/// <summary>
/// An <see cref="IDatabase"/> decorator that asks the JobSafety guard before every write: list pushes
/// (<c>ListLeftPush</c>, <c>ListRightPush</c>, <c>ListMove</c>, <c>ListRightPopLeftPush</c>), stream adds and publishes are
/// <see cref="SideEffectCategory.Enqueue"/> (target <c>Redis ListLeftPush &lt;key&gt;</c>), every other write (strings, hashes,
/// sets, sorted sets, expirations, deletes, scripts, <c>Execute</c>...) is <see cref="SideEffectCategory.Other"/> (target
/// <c>Redis StringSet</c>, no key), and reads are not checked. Every member forwards to the inner database unchanged.
/// Create it with <c>multiplexer.GetDatabase().WithJobSafety()</c>.
/// </summary>
/// <remarks>Batches and MULTI/EXEC transactions (<c>CreateBatch</c>, <c>CreateTransaction</c>) are guarded too
/// (<see cref="JobSafetyBatch"/>, <see cref="JobSafetyTransaction"/>): their commands are checked when queued.</remarks>
public sealed partial class JobSafetyDatabase : IDatabase
{
    private readonly IDatabase _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The database to guard.</param>
    public JobSafetyDatabase(IDatabase inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The wrapped database.</summary>
    public IDatabase Inner => _inner;

    private static string Target(string operation, RedisKey key) => "Redis " + operation + " " + (string?)key;

    private static string Target(string operation, RedisChannel channel) => "Redis " + operation + " " + (string?)channel;

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open.</summary>
    private static void CheckEnqueue(string operation, RedisKey key)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, key));
    }

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open. Also used by
    /// <see cref="JobSafetySubscriber"/>, so a publish is described the same way through either API.</summary>
    internal static void CheckEnqueue(string operation, RedisChannel channel)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, channel));
    }
}

/// <summary>Registration of the StackExchange.Redis guard.</summary>
public static class JobSafetyRedisExtensions
{
    /// <summary>Guards a database: <c>var db = multiplexer.GetDatabase().WithJobSafety();</c>.</summary>
    /// <param name="database">The database.</param>
    /// <returns>The guarded database (an already guarded one is returned as it is).</returns>
    public static IDatabase WithJobSafety(this IDatabase database) =>
        database as JobSafetyDatabase ?? new JobSafetyDatabase(database);

    /// <summary>Guards a pub/sub subscriber: <c>var subscriber = multiplexer.GetSubscriber().WithJobSafety();</c>.
    /// Its <c>Publish</c> / <c>PublishAsync</c> are checked as enqueues; everything else forwards unchanged.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <returns>The guarded subscriber (an already guarded one is returned as it is).</returns>
    public static ISubscriber WithJobSafety(this ISubscriber subscriber) =>
        subscriber as JobSafetySubscriber ?? new JobSafetySubscriber(subscriber);
}

/// <summary>A guarded <see cref="IBatch"/>, returned by <see cref="JobSafetyDatabase"/>'s <c>CreateBatch</c>: each command is
/// checked when it is queued (before <see cref="IBatch.Execute"/> sends anything), with the same categories as the database.</summary>
public sealed partial class JobSafetyBatch : IBatch
{
    private readonly IBatch _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The batch to guard.</param>
    public JobSafetyBatch(IBatch inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    private static string Target(string operation, RedisKey key) => "Redis " + operation + " " + (string?)key;

    private static string Target(string operation, RedisChannel channel) => "Redis " + operation + " " + (string?)channel;

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open.</summary>
    private static void CheckEnqueue(string operation, RedisKey key)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, key));
    }

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open.</summary>
    private static void CheckEnqueue(string operation, RedisChannel channel)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, channel));
    }
}

/// <summary>A guarded Redis MULTI/EXEC <see cref="ITransaction"/>, returned by <see cref="JobSafetyDatabase"/>'s
/// <c>CreateTransaction</c>: each command is checked when it is queued, before <c>Execute</c> sends anything.</summary>
public sealed partial class JobSafetyTransaction : ITransaction
{
    private readonly ITransaction _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The transaction to guard.</param>
    public JobSafetyTransaction(ITransaction inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    private static string Target(string operation, RedisKey key) => "Redis " + operation + " " + (string?)key;

    private static string Target(string operation, RedisChannel channel) => "Redis " + operation + " " + (string?)channel;

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open.</summary>
    private static void CheckEnqueue(string operation, RedisKey key)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, key));
    }

    /// <summary>Checks an enqueue; the target string is built only when a transaction might be open.</summary>
    private static void CheckEnqueue(string operation, RedisChannel channel)
    {
        if (SideEffects.IsGuardActive) SideEffects.Check(SideEffectCategory.Enqueue, Target(operation, channel));
    }
}
