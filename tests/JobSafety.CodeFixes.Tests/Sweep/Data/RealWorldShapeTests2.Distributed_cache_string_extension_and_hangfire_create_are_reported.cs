using System;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Caching.Distributed;
using Npgsql;

public class Profiles
{
    public async Task Save(NpgsqlConnection conn, IDistributedCache cache, IBackgroundJobClient jobs, string id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await cache.SetStringAsync("profile:" + id, "{}");
        jobs.Create(() => Console.WriteLine(id), new EnqueuedState());
        await tx.CommitAsync();
        await cache.SetStringAsync("profile:" + id, "{}");
    }
}