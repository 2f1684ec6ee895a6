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
    public void M(NpgsqlConnection conn)
    {
        var tx = conn.BeginTransaction();
        try
        {
            BackgroundJob.Enqueue(() => Jobs.Run(1));
            tx.Commit();
        }
        finally
        {
            tx.Dispose();
            conn.Close();
        }

        BackgroundJob.Enqueue(() => Jobs.Run(2));
    }
}