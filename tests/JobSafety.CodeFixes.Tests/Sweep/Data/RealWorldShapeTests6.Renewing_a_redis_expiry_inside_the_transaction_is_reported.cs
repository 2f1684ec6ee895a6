using System;
using System.Threading.Tasks;
using Npgsql;
using StackExchange.Redis;

public class SessionStore
{
    private readonly IDatabase _redis;
    public SessionStore(IDatabase redis) { _redis = redis; }

    public async Task<bool> TouchAsync(NpgsqlConnection conn, string session)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("update logins set seen = now()", conn, tx))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var until = await _redis.KeyExpireTimeAsync($"session:{session}");
        var left = _redis.KeyExpireTime($"session:{session}");
        var fields = _redis.HashFieldGetTimeToLive($"session:{session}:data", new RedisValue[] { "user" });
        await _redis.KeyExpireAsync($"session:{session}", TimeSpan.FromMinutes(20)); using var lease = _redis.HashFieldGetLeaseAndSetExpiry($"session:{session}:data", "user", TimeSpan.FromMinutes(20));
        await tx.CommitAsync();
        return until is not null || left is not null || fields.Length > 0;
    }
}