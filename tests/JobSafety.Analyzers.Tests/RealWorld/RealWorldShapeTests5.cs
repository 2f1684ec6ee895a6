using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Fifth batch of minimal reproductions (own names, own code) of real-world shapes, from a third precision/recall
/// review centred on false positives in common application code. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests5
{
    // EF Core told to use a transaction that is already open (`db.Database.UseTransaction(tx)`, a Dapper connection's
    // transaction shared with a DbContext, an integration-event log saving with the caller's transaction, or a wrapper's
    // `Transaction` property): it joins that transaction, it does not open a second one. Committing the transaction (or
    // the wrapper that holds it) ends the region; a method that only enlists EF in a transaction passed in leaves
    // nothing open for its caller.
    private const string JoinedTransaction = """
        using System;
        using System.Data.Common;
        using System.Threading;
        using System.Threading.Tasks;
        using Hangfire;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;
        using Npgsql;

        public interface IAmbientWork : IAsyncDisposable
        {
            DbTransaction Transaction { get; }
            Task CommitAsync(CancellationToken ct = default);
            Task RollbackAsync(CancellationToken ct = default);
        }

        public interface IWorkFactory { Task<IAmbientWork> StartAsync(CancellationToken ct = default); }

        public class StockDb : DbContext { }

        public class AuditTrail
        {
            private readonly StockDb _db;
            public AuditTrail(StockDb db) { _db = db; }

            public Task RecordAsync(string what, IDbContextTransaction transaction)
            {
                _db.Database.UseTransaction(transaction.GetDbTransaction());
                return _db.SaveChangesAsync();
            }
        }

        public class ShelfRows
        {
            private readonly StockDb _db;
            public ShelfRows(StockDb db) { _db = db; }
            public void Write(int shelf, DbTransaction tx) { _db.Database.UseTransaction(tx); _db.SaveChanges(); }
        }

        public class Restocking
        {
            private readonly StockDb _db;
            private readonly NpgsqlConnection _connection;
            private readonly IWorkFactory _work;
            private readonly AuditTrail _audit;
            private readonly ShelfRows _rows;
            private readonly IPublishEndpoint _bus;
            private readonly IBackgroundJobClient _jobs;

            public Restocking(StockDb db, NpgsqlConnection connection, IWorkFactory work, AuditTrail audit, ShelfRows rows, IPublishEndpoint bus, IBackgroundJobClient jobs)
            {
                _db = db; _connection = connection; _work = work; _audit = audit; _rows = rows; _bus = bus; _jobs = jobs;
            }

            public static void Recount(int shelf) { }

            public async Task Shared(int shelf, CancellationToken ct)
            {
                await _connection.OpenAsync(ct);
                await using var transaction = await _connection.BeginTransactionAsync(ct);
                await _db.Database.UseTransactionAsync(transaction, ct);
                await _db.SaveChangesAsync(ct);
                SHARED
                await transaction.CommitAsync(ct);
                _jobs.Enqueue(() => Recount(shelf));
            }

            public async Task Wrapped(int shelf, CancellationToken ct)
            {
                await using var work = await _work.StartAsync(ct);
                try
                {
                    _db.Database.UseTransaction(work.Transaction);
                    await _db.SaveChangesAsync(ct);
                    WRAPPED
                    await work.CommitAsync(ct);
                }
                catch
                {
                    await work.RollbackAsync(ct);
                    throw;
                }

                await _bus.Publish(new { Shelf = shelf }, ct);
            }

            public async Task Logged(int shelf)
            {
                await using var transaction = await _db.Database.BeginTransactionAsync();
                await _audit.RecordAsync("restock", transaction);
                await transaction.CommitAsync();
                await _bus.Publish(new { Shelf = shelf });
            }

            public void Rows(int shelf)
            {
                _connection.Open();
                using var tx = _connection.BeginTransaction();
                _rows.Write(shelf, tx);
                tx.Commit();
                _jobs.Enqueue(() => Recount(shelf));
            }
        }
        """;

    [Fact]
    public Task Side_effects_after_committing_a_transaction_ef_was_told_to_use_are_not_reported() => Verify.VerifyAsync(
        JoinedTransaction.Replace("SHARED", "").Replace("WRAPPED", ""));

    [Fact]
    public Task Side_effects_before_committing_a_transaction_ef_was_told_to_use_are_reported() => Verify.VerifyAsync(
        JoinedTransaction
            .Replace("SHARED", "{|#0:_jobs.Enqueue(() => Recount(shelf))|};")
            .Replace("WRAPPED", "await {|#1:_bus.Publish(new { Shelf = shelf }, ct)|};"),
        Verify.Diagnostic("JS0001", 0),
        Verify.Diagnostic("JS0001", 1));
}
