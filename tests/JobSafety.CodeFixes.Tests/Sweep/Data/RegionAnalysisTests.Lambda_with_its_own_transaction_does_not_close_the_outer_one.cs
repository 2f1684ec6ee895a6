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
    public void M(NpgsqlConnection conn, List<int> ids)
    {
        using var scope = new TransactionScope();
        ids.ForEach(id =>
        {
            using var tx = conn.BeginTransaction();
            tx.Commit();
        });
        BackgroundJob.Enqueue(() => Jobs.Run(1));
        scope.Complete();
    }
}