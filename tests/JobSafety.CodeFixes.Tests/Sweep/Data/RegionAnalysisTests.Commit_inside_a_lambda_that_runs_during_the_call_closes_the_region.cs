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
    public async Task M(DbContext db, MassTransit.IPublishEndpoint bus)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await strategy.ExecuteAsync(async () =>
        {
            await db.SaveChangesAsync();
            await bus.Publish(new object());
            await transaction.CommitAsync();
        });
        await bus.Publish(new object());
    }
}