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
/// <remarks>Batches and MULTI/EXEC transactions (<c>CreateBatch</c>, <c>CreateTransaction</c>) are returned from the inner
/// database and are not guarded: commands queued on them are not checked.</remarks>
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
}

/// <summary>Registration of the StackExchange.Redis guard.</summary>
public static class JobSafetyRedisExtensions
{
    /// <summary>Guards a database: <c>var db = multiplexer.GetDatabase().WithJobSafety();</c>.</summary>
    /// <param name="database">The database.</param>
    /// <returns>The guarded database (an already guarded one is returned as it is).</returns>
    public static IDatabase WithJobSafety(this IDatabase database) =>
        database as JobSafetyDatabase ?? new JobSafetyDatabase(database);
}
