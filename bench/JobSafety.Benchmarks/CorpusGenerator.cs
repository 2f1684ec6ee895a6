using System.Text;

namespace JobSafety.Benchmarks;

/// <summary>
/// Generates a code base of N files: mostly ordinary service code (LINQ, loops, string work, logging,
/// in-memory queues), one file in ten with transactions, helpers and side effects, against the real
/// libraries (Npgsql, Hangfire, EF Core, MailKit, StackExchange.Redis).
/// </summary>
public static class CorpusGenerator
{
    public static IReadOnlyList<string> Generate(int files, CorpusKind kind = CorpusKind.Diagnostic)
    {
        var result = new List<string>(files);
        for (var i = 0; i < files; i++)
        {
            result.Add(i % 10 != 0 || kind == CorpusKind.Ordinary ? OrdinaryFile(i) : kind == CorpusKind.Diagnostic ? TransactionalFile(i) : CleanTransactionalFile(i));
        }

        return result;
    }

    /// <summary>
    /// The same transactional shapes done right: every side effect after the commit (helpers
    /// called with ids collected inside the transaction), job arguments are plain ids.
    /// The analyzers walk the same transactions, helpers and calls and must report nothing.
    /// </summary>
    private static string CleanTransactionalFile(int i)
    {
        return $$"""
            using System; using System.Collections.Generic; using System.Net.Http; using System.Threading.Tasks; using System.Transactions;
            using Hangfire; using Npgsql; using Microsoft.EntityFrameworkCore; using Microsoft.Extensions.Caching.Distributed;
            namespace Gen.T{{i}};
            public sealed class OrderService{{i}}(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, HttpClient http, IDistributedCache cache, DbContext db)
            {
                public async Task Create(long id)
                {
                    var ids = new List<long>();
                    await using (var connection = await dataSource.OpenConnectionAsync())
                    {
                        await using var tx = await connection.BeginTransactionAsync();
                        await using (var cmd = new NpgsqlCommand("insert into orders values (@id)", connection, tx)) { cmd.Parameters.AddWithValue("id", id); await cmd.ExecuteNonQueryAsync(); }
                        ids.Add(id);
                        await tx.CommitAsync();
                    }
                    foreach (var x in ids) Notify(x);
                    jobs.Enqueue(() => Jobs.Process(id));
                }

                public async Task Approve(long id)
                {
                    using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                    {
                        scope.Complete();
                    }
                    await http.PostAsync("https://example.invalid/" + id, null);
                    await cache.SetStringAsync("order:" + id, "approved");
                }

                public async Task Moderate(long id)
                {
                    await using (var tx = await db.Database.BeginTransactionAsync())
                    {
                        await db.SaveChangesAsync();
                        await tx.CommitAsync();
                    }
                    await cache.RemoveAsync("order:" + id);
                }

                private void Notify(long id) => jobs.Enqueue(() => Jobs.Process(id));
            }
            public static class Jobs { public static void Process(long id) { } }
            """;
    }

    private static string OrdinaryFile(int i)
    {
        var b = new StringBuilder();
        b.AppendLine("using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks; using Microsoft.Extensions.Logging;");
        b.AppendLine($"namespace Gen.N{i % 37};");
        b.AppendLine($"public sealed class Service{i}(ILogger<Service{i}> logger)");
        b.AppendLine("{");
        b.AppendLine("    private readonly Queue<string> _pending = new();");
        for (var m = 0; m < 8; m++)
        {
            b.AppendLine($$"""
                public async Task<int> Method{{m}}(IReadOnlyList<int> items, string name)
                {
                    var total = 0;
                    foreach (var item in items.Where(x => x % {{m + 2}} == 0).OrderBy(x => x))
                    {
                        if (item > 100) { total += item * 2; } else { total -= item; }
                        _pending.Enqueue(name + item.ToString());
                    }
                    try
                    {
                        await Task.Yield();
                        logger.LogInformation("done {Total}", total);
                    }
                    catch (InvalidOperationException ex) when (ex.Message.Length > 0)
                    {
                        logger.LogError(ex, "failed");
                        throw;
                    }
                    var text = string.Join(",", items.Select(x => x.ToString()));
                    return total + text.Length + Helper{{m}}(total);
                }

                private static int Helper{{m}}(int x) => x switch { < 0 => -x, 0 => 1, _ => x / 2 };
            """);
        }

        b.AppendLine("}");
        return b.ToString();
    }

    private static string TransactionalFile(int i)
    {
        return $$"""
            using System; using System.Net.Http; using System.Threading.Tasks; using System.Transactions;
            using Hangfire; using Npgsql; using Microsoft.EntityFrameworkCore; using Microsoft.Extensions.Caching.Distributed;
            namespace Gen.T{{i}};
            public sealed class OrderService{{i}}(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, HttpClient http, IDistributedCache cache, DbContext db)
            {
                public async Task Create(long id)
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var tx = await connection.BeginTransactionAsync();
                    await using (var cmd = new NpgsqlCommand("insert into orders values (@id)", connection, tx)) { cmd.Parameters.AddWithValue("id", id); await cmd.ExecuteNonQueryAsync(); }
                    jobs.Enqueue(() => Jobs.Process(id));
                    Notify(id);
                    await tx.CommitAsync();
                    jobs.Enqueue(() => Jobs.Process(id));
                }

                public async Task Approve(long id)
                {
                    using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                    {
                        await http.PostAsync("https://example.invalid/" + id, null);
                        scope.Complete();
                    }
                    await cache.SetStringAsync("order:" + id, "approved");
                }

                public async Task Moderate(long id)
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    await db.SaveChangesAsync();
                    if (id > 10) { await tx.CommitAsync(); return; }
                    await cache.RemoveAsync("order:" + id);
                    await tx.RollbackAsync();
                }

                private void Notify(long id) => jobs.Enqueue(() => Jobs.Process(id));

                public void Leak(NpgsqlConnection connection) => jobs.Enqueue(() => Jobs.Use(connection));
            }
            public static class Jobs { public static void Process(long id) { } public static void Use(NpgsqlConnection c) { } }
            """;
    }
}

/// <summary>Diagnostic: one file in ten has transactions with side effects inside them (and a connection passed to a
/// job); Clean: the same shapes done right, no diagnostics expected.</summary>
public enum CorpusKind
{
    Clean,
    Diagnostic,

    /// <summary>No transactional file at all: what the analyzers cost on code they have nothing to say about.</summary>
    Ordinary,
}
