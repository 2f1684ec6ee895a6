using JobSafety.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace JobSafety.Runtime.Tests.Infrastructure;

/// <summary>
/// Proves that the throwaway PostgreSQL and Redis of <c>scripts/services.sh</c> are reachable and usable
/// from the tests: each test writes a uniquely-named object, reads it back and removes it.
/// </summary>
public class ServicesRoundTripTests
{
    [Fact]
    public async Task Postgres_table_round_trip()
    {
        var connectionString = TestServices.RequirePostgres();
        var table = "roundtrip_" + Guid.NewGuid().ToString("N");
        var payload = "hello " + Guid.NewGuid().ToString("N");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();

        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (id integer PRIMARY KEY, payload text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using (var insert = new NpgsqlCommand($"INSERT INTO {table} (id, payload) VALUES (@id, @payload)", connection))
            {
                insert.Parameters.AddWithValue("id", 1);
                insert.Parameters.AddWithValue("payload", payload);
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }

            await using (var select = new NpgsqlCommand($"SELECT payload FROM {table} WHERE id = @id", connection))
            {
                select.Parameters.AddWithValue("id", 1);
                Assert.Equal(payload, await select.ExecuteScalarAsync());
            }
        }
        finally
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NULL", connection);
        exists.Parameters.AddWithValue("name", table);
        Assert.Equal(true, await exists.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Redis_key_round_trip()
    {
        var configuration = TestServices.RequireRedis();
        var key = new RedisKey("jobsafety:tests:roundtrip:" + Guid.NewGuid().ToString("N"));
        var value = "hello " + Guid.NewGuid().ToString("N");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var db = redis.GetDatabase();

        try
        {
            Assert.True(await db.StringSetAsync(key, value, TimeSpan.FromMinutes(5)));
            Assert.Equal(value, (string?)await db.StringGetAsync(key));
        }
        finally
        {
            await db.KeyDeleteAsync(key);
        }

        Assert.False(await db.KeyExistsAsync(key));
    }
}
