using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

public class GlossaryService
{
    private readonly string _cs = "Host=db";
    private readonly IConnectionMultiplexer _redis;
    private readonly IMemoryCache _local;
    private readonly ILogger<GlossaryService> _log;
    private static readonly ConcurrentDictionary<string, string> Seen = new();

    public GlossaryService(IConnectionMultiplexer redis, IMemoryCache local, ILogger<GlossaryService> log) { _redis = redis; _local = local; _log = log; }

    public async Task AddTermAsync(long owner, string term)
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        try
        {
            await using (var cmd = new NpgsqlCommand("insert into terms values (@o, @t)", conn, tx))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            _local.Remove($"terms:{owner}");
            Seen[term] = term;
            _log.LogInformation("added {Term}", term);
            await ForgetAsync(owner);
            await tx.CommitAsync();
            await _redis.GetDatabase().KeyDeleteAsync($"terms:{owner}");
            await ForgetAsync(owner);
        }
        catch
        {
            await tx.RollbackAsync();
            throw;
        }
    }

    public async Task<string> ReadAsync(long owner)
    {
        var db = _redis.GetDatabase();
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        try
        {
            await using var cmd = new NpgsqlCommand("update terms set hits = hits + 1", conn, tx);
            await cmd.ExecuteNonQueryAsync();
            db.StringSet($"terms:{owner}", "[]");
            await tx.CommitAsync();
            await db.StringSetAsync($"terms:{owner}", "[]", TimeSpan.FromMinutes(10));
            return "[]";
        }
        catch
        {
            await tx.RollbackAsync();
            throw;
        }
    }

    private Task ForgetAsync(long owner) => _redis.GetDatabase().KeyDeleteAsync($"terms:{owner}:count");
}