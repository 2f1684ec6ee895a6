using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;

public class ImportRunner
{
    private readonly NpgsqlDataSource _source;
    private readonly IBackgroundJobClient _jobs;
    private readonly ILogger<ImportRunner> _log;
    public ImportRunner(NpgsqlDataSource source, IBackgroundJobClient jobs, ILogger<ImportRunner> log) { _source = source; _jobs = jobs; _log = log; }

    public async Task<int> Run(IEnumerable<int> rows)
    {
        var done = 0;
        await using var conn = await _source.OpenConnectionAsync();
        foreach (var row in rows)
        {
            await using var tx = await conn.BeginTransactionAsync();
            if (row < 0)
            {
                await tx.RollbackAsync();
                _jobs.Enqueue(() => Console.WriteLine("rejected " + row));
                return done;
            }

            try
            {
                await using (var cmd = new NpgsqlCommand("insert into rows values (@r)", conn, tx))
                {
                    await cmd.ExecuteNonQueryAsync();
                }

                _jobs.Enqueue(() => Console.WriteLine("importing " + row));
                await tx.CommitAsync();
            }
            catch (Exception ex)
            {
                await tx.RollbackAsync();
                _log.LogWarning(ex, "row {Row} failed", row);
                _jobs.Enqueue(() => Console.WriteLine("failed " + row));
                continue;
            }

            _jobs.Enqueue(() => Console.WriteLine("imported " + row));
            done++;
        }

        return done;
    }
}