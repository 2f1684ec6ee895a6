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

    // Clean-architecture application layers whose unit of work hands out the application's own transaction abstraction
    // (`Task<ITransaction> BeginTransactionAsync()`, `ITransaction` with CommitAsync/RollbackAsync), implemented in an
    // infrastructure project the compilation does not contain. The Begin… opens a region; the returned object's Commit,
    // Rollback or Dispose ends it, as does the unit of work's own CommitTransaction… when it has one.
    private const string OwnTransactionAbstraction = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Hangfire;

        public interface ITransaction : IAsyncDisposable
        {
            Task CommitAsync(CancellationToken ct = default);
            Task RollbackAsync(CancellationToken ct = default);
        }

        public interface IUnitOfWork
        {
            Task<int> SaveChangesAsync(CancellationToken ct = default);
            Task<ITransaction> BeginTransactionAsync(CancellationToken ct = default);
        }

        public interface ILedgerWork
        {
            Task<ITransaction> BeginTransactionAsync();
            Task CommitTransactionAsync();
            Task RollbackTransactionAsync();
        }

        public class TicketSales
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly ILedgerWork _ledger;
            private readonly IBackgroundJobClient _jobs;
            public TicketSales(IUnitOfWork unitOfWork, ILedgerWork ledger, IBackgroundJobClient jobs) { _unitOfWork = unitOfWork; _ledger = ledger; _jobs = jobs; }

            public static void Issue(int id) { }

            public async Task Sell(int id, CancellationToken ct)
            {
                await using var transaction = await _unitOfWork.BeginTransactionAsync(ct);
                try
                {
                    await _unitOfWork.SaveChangesAsync(ct);
                    SELL
                    await transaction.CommitAsync(ct);
                }
                catch
                {
                    await transaction.RollbackAsync(ct);
                    throw;
                }

                _jobs.Enqueue(() => Issue(id));
            }

            public async Task Post(int id)
            {
                await _ledger.BeginTransactionAsync();
                try
                {
                    POST
                    await _ledger.CommitTransactionAsync();
                }
                catch
                {
                    await _ledger.RollbackTransactionAsync();
                    throw;
                }

                _jobs.Enqueue(() => Issue(id));
            }
        }
        """;

    [Fact]
    public Task Enqueue_after_committing_the_applications_own_transaction_abstraction_is_not_reported() => Verify.VerifyAsync(
        OwnTransactionAbstraction.Replace("SELL", "").Replace("POST", ""));

    [Fact]
    public Task Enqueue_inside_the_applications_own_transaction_abstraction_is_reported() => Verify.VerifyAsync(
        OwnTransactionAbstraction
            .Replace("SELL", "{|#0:_jobs.Enqueue(() => Issue(id))|};")
            .Replace("POST", "{|#1:_jobs.Enqueue(() => Issue(id))|};"),
        Verify.Diagnostic("JS0001", 0),
        Verify.Diagnostic("JS0001", 1));

    // Dapper unit-of-work factories (`IUnitOfWorkFactory.Create() => new UnitOfWork(connectionString)`) whose unit of
    // work begins its transaction in the constructor: the factory hands the open transaction to its caller, whose
    // `Commit()` on the unit of work ends it.
    private const string UnitOfWorkFactory = """
        using System;
        using System.Data;
        using Hangfire;
        using Npgsql;

        public interface ISession : IDisposable { void Commit(); }

        public class DapperSession : ISession
        {
            private readonly IDbConnection _connection;
            private readonly IDbTransaction _transaction;
            public DapperSession(string connectionString)
            {
                _connection = new NpgsqlConnection(connectionString);
                _connection.Open();
                _transaction = _connection.BeginTransaction();
            }

            public void Commit() => _transaction.Commit();
            public void Dispose() { _transaction.Dispose(); _connection.Dispose(); }
        }

        public interface ISessionFactory { ISession Open(); }

        public class SessionFactory : ISessionFactory
        {
            private readonly string _connectionString;
            public SessionFactory(string connectionString) { _connectionString = connectionString; }
            public ISession Open() => new DapperSession(_connectionString);
        }

        public class Invoicing
        {
            private readonly ISessionFactory _sessions;
            private readonly IBackgroundJobClient _jobs;
            public Invoicing(ISessionFactory sessions, IBackgroundJobClient jobs) { _sessions = sessions; _jobs = jobs; }

            public static void Render(int id) { }

            public void Issue(int id)
            {
                using var session = _sessions.Open();
                INSIDE
                session.Commit();
                _jobs.Enqueue(() => Render(id));
            }
        }
        """;

    [Fact]
    public Task Enqueue_before_committing_a_unit_of_work_from_a_factory_is_reported() => Verify.VerifyAsync(
        UnitOfWorkFactory.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => Render(id))|};"),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Enqueue_after_committing_a_unit_of_work_from_a_factory_is_not_reported() => Verify.VerifyAsync(
        UnitOfWorkFactory.Replace("INSIDE", ""));
}
