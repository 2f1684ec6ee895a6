using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace JobSafety.Benchmarks;

/// <summary>
/// Begin + insert + commit on the local PostgreSQL (scripts/services.sh, 127.0.0.1:55432): raw Npgsql versus the same
/// data source through the JobSafety ADO.NET wrapper (same pool: the wrapper wraps this very data source), with 0 and 5
/// AfterCommit callbacks. A dedicated table, a small pool. The reported ratio comes from <see cref="Interleaved"/>
/// (<c>--e2e</c>), which alternates the variants operation by operation.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private static readonly Action s_noop = () => { };
    private NpgsqlDataSource _raw = null!;
    private DbDataSource _wrapped = null!;
    private long _id;

    /// <summary>The dedicated table (dropped and recreated by the setup, dropped by the cleanup).</summary>
    public string Table { get; set; } = "jobsafety_bench_e2e";

    /// <summary>Npgsql connection string; a small pool.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    public static string DefaultConnectionString =>
        Environment.GetEnvironmentVariable("JOBSAFETY_BENCH_PG")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Pooling=true;Minimum Pool Size=1;Maximum Pool Size=4;Timeout=10;No Reset On Close=false";

    [GlobalSetup]
    public void Setup()
    {
        RuntimeSetup.ConfigureThrow();
        _raw = NpgsqlDataSource.Create(ConnectionString);
        _id = 0;
        _wrapped = _raw.WithJobSafety();
        using var connection = _raw.OpenConnection();
        using var cmd = new NpgsqlCommand($"drop table if exists {Table}; create table {Table} (id bigint primary key, payload text not null)", connection);
        cmd.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        using (var connection = _raw.OpenConnection())
        using (var cmd = new NpgsqlCommand($"drop table if exists {Table}", connection))
        {
            cmd.ExecuteNonQuery();
        }

        _raw.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task RawNpgsql() => InsertAsync(_raw, 0);

    [Benchmark]
    public Task Wrapped() => InsertAsync(_wrapped, 0);

    [Benchmark]
    public Task Wrapped5AfterCommit() => InsertAsync(_wrapped, 5);

    private async Task InsertAsync(DbDataSource dataSource, int callbacks)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"insert into {Table} (id, payload) values ($1, 'x')";
            var p = cmd.CreateParameter();
            p.Value = Interlocked.Increment(ref _id);
            cmd.Parameters.Add(p);
            await cmd.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < callbacks; i++) TransactionEvents.AfterCommit(s_noop);
        await tx.CommitAsync();
    }

    /// <summary>Interleaved measurement: every round runs each variant once, in a rotating order, each operation timed;
    /// medians per variant over all rounds.</summary>
    public static async Task<IReadOnlyList<(string Name, double MedianUs, double P90Us)>> Interleaved(bool quick, TextWriter output)
    {
        var bench = new EndToEndBenchmarks();
        bench.Setup();
        try
        {
            var variants = new (string Name, Func<Task> Run)[] { ("raw Npgsql", bench.RawNpgsql), ("JobSafety wrapper", bench.Wrapped), ("wrapper + 5 AfterCommit", bench.Wrapped5AfterCommit) };
            var warmups = quick ? 100 : 1000;
            var rounds = quick ? 500 : 15000;
            for (var i = 0; i < warmups; i++)
            {
                foreach (var v in variants) await v.Run();
            }

            var times = variants.Select(_ => new List<double>(rounds)).ToArray();
            var sw = new Stopwatch();
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < variants.Length; k++)
                {
                    var index = (round + k) % variants.Length;
                    sw.Restart();
                    await variants[index].Run();
                    times[index].Add(sw.Elapsed.TotalMicroseconds);
                }
            }

            var c = CultureInfo.InvariantCulture;
            var result = new List<(string, double, double)>();
            var rawMedian = AnalyzerOverheadHarness.Median(times[0]);
            output.WriteLine(string.Format(c, "end to end: open + begin + insert + commit, {0} interleaved rounds, pool max 4, table {1}", rounds, bench.Table));
            for (var k = 0; k < variants.Length; k++)
            {
                var sorted = times[k].Order().ToArray();
                var median = AnalyzerOverheadHarness.Median(sorted);
                var p90 = sorted[(int)(sorted.Length * 0.9)];
                result.Add((variants[k].Name, median, p90));
                output.WriteLine(string.Format(c, "    {0,-24} median {1,8:F1} µs  p90 {2,8:F1} µs  ratio vs raw {3:F4} ({4:+0.00;-0.00}%)",
                    variants[k].Name, median, p90, median / rawMedian, (median / rawMedian - 1) * 100));
            }

            return result;
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
