using System.Net.Sockets;

namespace JobSafety.Tests.Infrastructure;

/// <summary>
/// Where the throwaway PostgreSQL and Redis started by <c>scripts/services.sh</c> listen.
/// Integration tests call <see cref="RequirePostgres"/> / <see cref="RequireRedis"/> first: when the
/// service cannot be reached they fail (never skip) with a message that says how to start it.
/// </summary>
public static class TestServices
{
    /// <summary>Npgsql connection string of the test server (env <c>JOBSAFETY_TEST_PG</c>).</summary>
    public static string PostgresConnectionString { get; } =
        Environment.GetEnvironmentVariable("JOBSAFETY_TEST_PG")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=10";

    /// <summary>
    /// StackExchange.Redis configuration string of the test server (env <c>JOBSAFETY_TEST_REDIS</c>). Command timeouts are
    /// 30 s, not the client's 5 s: ./test.sh runs every test project at once, and on a two-core machine a starved thread
    /// pool can leave a reply unread for more than 5 s (a loopback command itself takes well under a millisecond).
    /// </summary>
    public static string RedisConfiguration { get; } =
        Environment.GetEnvironmentVariable("JOBSAFETY_TEST_REDIS") ?? "127.0.0.1:56379,abortConnect=false,connectTimeout=5000,syncTimeout=30000,asyncTimeout=30000";

    /// <summary>Fails the calling test with a clear message when PostgreSQL is not reachable.</summary>
    public static string RequirePostgres()
    {
        Require("PostgreSQL", HostPort(PostgresConnectionString, "Host", "Port", 5432));
        return PostgresConnectionString;
    }

    /// <summary>Fails the calling test with a clear message when Redis is not reachable.</summary>
    public static string RequireRedis()
    {
        var first = RedisConfiguration.Split(',')[0];
        var parts = first.Split(':');
        Require("Redis", (parts[0], parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 6379));
        return RedisConfiguration;
    }

    private static (string Host, int Port) HostPort(string connectionString, string hostKey, string portKey, int defaultPort)
    {
        string host = "127.0.0.1";
        int port = defaultPort;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) continue;
            if (kv[0].Trim().Equals(hostKey, StringComparison.OrdinalIgnoreCase)) host = kv[1].Trim();
            if (kv[0].Trim().Equals(portKey, StringComparison.OrdinalIgnoreCase)) port = int.Parse(kv[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return (host, port);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Checked = new();

    private static void Require(string name, (string Host, int Port) endpoint)
    {
        var error = Checked.GetOrAdd(name + endpoint, _ =>
        {
            try
            {
                using var client = new TcpClient();
                if (!client.ConnectAsync(endpoint.Host, endpoint.Port).Wait(TimeSpan.FromSeconds(5)))
                    return "timed out";
                return null;
            }
            catch (Exception ex)
            {
                return ex.GetBaseException().Message;
            }
        });
        if (error is not null)
        {
            throw new InvalidOperationException(
                $"{name} is not reachable at {endpoint.Host}:{endpoint.Port} ({error}). " +
                "Integration tests need it and fail rather than skip. Start the test services with " +
                "'scripts/services.sh start' (or run the whole suite with './test.sh', which starts them).");
        }
    }
}
