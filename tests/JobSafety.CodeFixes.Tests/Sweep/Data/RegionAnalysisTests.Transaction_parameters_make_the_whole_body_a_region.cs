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
    public void A(System.Data.Common.DbTransaction tx) { BackgroundJob.Enqueue(() => Jobs.Run(1)); }
    public void B(System.Data.IDbTransaction tx) { BackgroundJob.Enqueue(() => Jobs.Run(2)); }
    public void C(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx) { BackgroundJob.Enqueue(() => Jobs.Run(3)); }
    public void D(NpgsqlTransaction tx) { BackgroundJob.Enqueue(() => Jobs.Run(4)); }
}