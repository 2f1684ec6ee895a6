using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Transactions;
using Hangfire;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Dapper;
public static class Jobs { public static void Run(int id) { } }
public class S
{
    public async Task M(DbContext db)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            BackgroundJob.Enqueue(() => Jobs.Run(1));
            await tx.CommitAsync();
            BackgroundJob.Enqueue(() => Jobs.Run(2));
        });
    }
}