using System.Collections.Concurrent;
using JobSafety.Tests.Infrastructure;
using Npgsql;

namespace JobSafety.Runtime.Tests.Tracking;

public class IsolationTests
{
    private static readonly AsyncLocal<int> s_flowId = new();

    [Fact]
    public async Task A_thousand_concurrent_flows_on_a_small_pool_never_lose_duplicate_or_cross_callbacks()
    {
        const int flows = 1000;
        var cs = new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres()) { MaxPoolSize = 20, Enlist = false, Timeout = 30 }.ConnectionString;
        await using var source = NpgsqlDataSource.Create(cs).WithJobSafety();
        using var gate = new SemaphoreSlim(20);
        var afterCommit = new int[flows];
        var afterRollback = new int[flows];
        var crossed = new ConcurrentBag<string>();
        var sawForeign = new ConcurrentBag<int>();

        var tasks = Enumerable.Range(0, flows).Select(i => Task.Run(async () =>
        {
            s_flowId.Value = i;
            await gate.WaitAsync();
            try
            {
                if (TransactionTracking.IsInsideTransaction) sawForeign.Add(i);
                await using var conn = await source.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT 1";
                    await cmd.ExecuteScalarAsync();
                }
                TransactionEvents.AfterCommit(async _ =>
                {
                    await Task.Yield();
                    if (s_flowId.Value != i) crossed.Add($"after-commit of {i} ran on flow {s_flowId.Value}");
                    Interlocked.Increment(ref afterCommit[i]);
                });
                TransactionEvents.AfterRollback(() =>
                {
                    if (s_flowId.Value != i) crossed.Add($"after-rollback of {i} ran on flow {s_flowId.Value}");
                    Interlocked.Increment(ref afterRollback[i]);
                });
                await Task.Yield();
                if (i % 3 == 0) await tx.RollbackAsync();
                else if (i % 3 == 1) await tx.CommitAsync();
                else tx.Commit();
            }
            finally
            {
                gate.Release();
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Empty(crossed);
        Assert.Empty(sawForeign);
        for (var i = 0; i < flows; i++)
        {
            var commits = i % 3 == 0 ? 0 : 1;
            Assert.True(afterCommit[i] == commits, $"flow {i}: AfterCommit ran {afterCommit[i]} times, expected {commits}");
            Assert.True(afterRollback[i] == 1 - commits, $"flow {i}: AfterRollback ran {afterRollback[i]} times, expected {1 - commits}");
        }
    }
}
