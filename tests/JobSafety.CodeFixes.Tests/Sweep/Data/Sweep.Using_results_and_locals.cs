using System.Net.Http;
using System.Threading.Tasks;
using System.Transactions;
using Hangfire;
using Npgsql;

public class Sync
{
    public static void Run(int id) { }

    public async Task UsingResponse(NpgsqlConnection conn, HttpClient http)
    {
        await using var tx = await conn.BeginTransactionAsync();
        using var response = await http.GetAsync("https://x");
        await tx.CommitAsync();
    }

    public async Task ResultUsedAfterCommit(NpgsqlConnection conn, HttpClient http)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var response = await http.GetAsync("https://x");
        await tx.CommitAsync();
        response.EnsureSuccessStatusCode();
    }

    public async Task ResultUsedInRegion(NpgsqlConnection conn, HttpClient http)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var response = await http.GetAsync("https://x");
        response.EnsureSuccessStatusCode();
        await tx.CommitAsync();
    }

    public void ScopeLocal(HttpClient http)
    {
        using (var scope = new TransactionScope())
        {
            var id = 42;
            BackgroundJob.Enqueue(() => Run(id));
            scope.Complete();
        }
    }

    public async Task ScopeAsync(HttpClient http)
    {
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            var jobId = BackgroundJob.Enqueue(() => Run(1));
            await http.PostAsync("https://x/" + jobId, null);
            scope.Complete();
        }
    }

    public void NestedBlockScope(int id)
    {
        {
            using var scope = new TransactionScope();
            BackgroundJob.Enqueue(() => Run(id));
            scope.Complete();
        }
    }
}
