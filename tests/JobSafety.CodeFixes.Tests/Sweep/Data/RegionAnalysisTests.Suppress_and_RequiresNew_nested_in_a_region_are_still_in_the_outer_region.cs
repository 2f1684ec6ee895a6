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
    public void M()
    {
        using (var outer = new TransactionScope())
        {
            using (var inner = new TransactionScope(TransactionScopeOption.Suppress))
            {
                BackgroundJob.Enqueue(() => Jobs.Run(1));
            }

            using (var inner = new TransactionScope(TransactionScopeOption.RequiresNew))
            {
                inner.Complete();
            }

            BackgroundJob.Enqueue(() => Jobs.Run(2));
            outer.Complete();
        }

        BackgroundJob.Enqueue(() => Jobs.Run(3));
    }
}