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
public static class Tx
{
    public static void InTransaction(Action work)
    {
        using var scope = new TransactionScope();
        work();
        scope.Complete();
    }

    public static async Task InTransactionAsync(Func<Task> work)
    {
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        await work();
        scope.Complete();
    }
}

public class S
{
    public async Task M()
    {
        Tx.InTransaction(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
        await Tx.InTransactionAsync(async () => { await Task.Yield(); BackgroundJob.Enqueue(() => Jobs.Run(2)); });
        BackgroundJob.Enqueue(() => Jobs.Run(3));
    }
}