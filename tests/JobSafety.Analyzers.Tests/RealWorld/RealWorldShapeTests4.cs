using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;
using VerifyJobArguments = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.ConnectionBoundJobArgumentAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Fourth batch of minimal reproductions (own names, own code) of real-world shapes, from a second precision/recall
/// review: Dapper and unit-of-work services, outbox relays, catch blocks, Hangfire job arguments. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests4
{
    // Service methods that open the transaction with `using var` inside a try and report failures from the catch. When the
    // exception leaves the try, the using's Dispose (a rollback) has already run: the catch is not in the region. A
    // transaction declared before the try is still open in the catch until it is rolled back or disposed.
    private const string CatchAfterUsing = """
        using System;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class CatalogDb : DbContext { }

        public interface ICatalogWork
        {
            Task<IDbContextTransaction> BeginTransactionAsync();
            Task<int> SaveAsync();
        }

        public class CatalogWork : ICatalogWork
        {
            private readonly CatalogDb _db;
            public CatalogWork(CatalogDb db) { _db = db; }
            public Task<IDbContextTransaction> BeginTransactionAsync() => _db.Database.BeginTransactionAsync();
            public Task<int> SaveAsync() => _db.SaveChangesAsync();
        }

        public interface IOpsAlerts { Task RaiseAsync(string what, string? detail); }

        public class ShippingMethods
        {
            private readonly ICatalogWork _work;
            private readonly IBackgroundJobClient _jobs;
            private readonly IOpsAlerts _alerts;
            public ShippingMethods(ICatalogWork work, IBackgroundJobClient jobs, IOpsAlerts alerts) { _work = work; _jobs = jobs; _alerts = alerts; }

            public async Task<bool> Rename(int id)
            {
                try
                {
                    using var transaction = await _work.BeginTransactionAsync();
                    await _work.SaveAsync();
                    await transaction.CommitAsync();
                    return true;
                }
                catch (Exception ex)
                {
                    _jobs.Enqueue(() => _alerts.RaiseAsync("rename failed", ex.Message));
                    return false;
                }
            }

            public void Archive(int id)
            {
                try
                {
                    using (var scope = new TransactionScope())
                    {
                        scope.Complete();
                    }
                }
                catch (Exception ex)
                {
                    _jobs.Enqueue(() => _alerts.RaiseAsync("archive failed", ex.Message));
                }
            }

            public async Task<bool> Retire(int id)
            {
                var transaction = await _work.BeginTransactionAsync();
                try
                {
                    await _work.SaveAsync();
                    await transaction.CommitAsync();
                    return true;
                }
                catch (Exception ex)
                {
                    CATCH
                    return false;
                }
                finally
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        """;

    [Fact]
    public Task Catch_after_a_using_inside_the_try_is_not_in_the_region() => Verify.VerifyAsync(
        CatchAfterUsing.Replace("CATCH", "await transaction.RollbackAsync(); _jobs.Enqueue(() => _alerts.RaiseAsync(\"retire failed\", ex.Message));"));

    [Fact]
    public Task Catch_of_a_try_inside_the_transaction_is_in_the_region_until_rollback() => Verify.VerifyAsync(
        CatchAfterUsing.Replace("CATCH", "{|#0:_jobs.Enqueue(() => _alerts.RaiseAsync(\"retire failed\", ex.Message))|}; await transaction.RollbackAsync();"),
        Verify.Diagnostic("JS0001"));

    // Hangfire jobs created from controllers and settlement processes: the job method's arguments are evaluated now and
    // their values serialized. A helper call nested in an argument runs now as well (only its result is passed), and the
    // instance a job method is called on (`new Worker(db).Run(id)`) is created by the job activator, not serialized.
    private const string JobArguments = """
        using System;
        using System.Linq;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class LedgerDb : DbContext { public DbSet<Entry> Entries => Set<Entry>(); }
        public class Entry { public int Id { get; set; } }

        public class SettlementRun
        {
            public SettlementRun(LedgerDb db) { }
            public void Queue(string tenant) { }
        }

        public class SettlementJobs
        {
            private readonly LedgerDb _db;
            public SettlementJobs(LedgerDb db) { _db = db; }

            public static int[] OpenEntries(LedgerDb db) => db.Entries.Select(e => e.Id).ToArray();
            public static void Settle(int[] entryIds) { }
            public static void SettleWith(LedgerDb db, string tenant) { }

            public void Next(IBackgroundJobClient jobs, string tenant)
            {
                jobs.Enqueue(() => Settle(OpenEntries(_db)));
                jobs.Enqueue(() => Settle(_db.Entries.Select(e => e.Id).ToArray()));
                BackgroundJob.Enqueue(() => new SettlementRun(_db).Queue(tenant));
                INSIDE
            }
        }
        """;

    [Fact]
    public Task Job_arguments_computed_by_a_nested_call_and_job_instances_are_not_reported() => VerifyJobArguments.VerifyAsync(
        JobArguments.Replace("INSIDE", ""));

    [Fact]
    public Task Context_passed_as_the_job_method_argument_is_reported() => VerifyJobArguments.VerifyAsync(
        JobArguments.Replace("INSIDE", "BackgroundJob.Schedule(() => SettleWith({|#0:_db|}, tenant), TimeSpan.FromMinutes(5));"),
        VerifyJobArguments.Diagnostic("JS0005"));

    // Clean-architecture templates: the unit of work is an interface of the application layer (`Task BeginTransactionAsync()`,
    // `Task CommitTransactionAsync()`), implemented in the infrastructure project the compilation does not contain. Its
    // names are all there is: Begin… returning nothing opens, CommitTransaction…/RollbackTransaction… end; a plain
    // CommitAsync() next to them is its SaveChanges. A Begin… without any commit on its type opens nothing.
    private const string BodilessUnitOfWork = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Confluent.Kafka;
        using Hangfire;

        public interface IUnitOfWork
        {
            Task BeginTransactionAsync(CancellationToken ct = default);
            Task CommitTransactionAsync(CancellationToken ct = default);
            Task RollbackTransactionAsync(CancellationToken ct = default);
            Task<int> CommitAsync(CancellationToken ct = default);
        }

        public interface IImportWindow { Task BeginTransactionAsync(); }

        public class TicketService
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly IImportWindow _window;
            private readonly IBackgroundJobClient _jobs;
            public TicketService(IUnitOfWork unitOfWork, IImportWindow window, IBackgroundJobClient jobs) { _unitOfWork = unitOfWork; _window = window; _jobs = jobs; }

            public static void Notify(int id) { }

            public async Task Book(int id)
            {
                await _unitOfWork.BeginTransactionAsync();
                try
                {
                    await _unitOfWork.CommitAsync();
                    INSIDE
                    await _unitOfWork.CommitTransactionAsync();
                    _jobs.Enqueue(() => Notify(id));
                }
                catch
                {
                    await _unitOfWork.RollbackTransactionAsync();
                    throw;
                }
            }

            public async Task Import(int id)
            {
                await _window.BeginTransactionAsync();
                _jobs.Enqueue(() => Notify(id));
            }

            // Kafka's own producer transaction is a broker transaction, whatever its method names.
            public void Stream(IProducer<string, string> producer, int id)
            {
                producer.BeginTransaction();
                producer.Produce("tickets", new Message<string, string> { Key = "t", Value = id.ToString() });
                producer.CommitTransaction();
            }
        }
        """;

    [Fact]
    public Task Enqueue_between_a_bodiless_unit_of_work_begin_and_commit_is_reported() => Verify.VerifyAsync(
        BodilessUnitOfWork.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => Notify(id))|};"),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Enqueue_after_a_bodiless_unit_of_work_commit_and_a_begin_without_commit_are_not_reported() => Verify.VerifyAsync(
        BodilessUnitOfWork.Replace("INSIDE", ""));
}
