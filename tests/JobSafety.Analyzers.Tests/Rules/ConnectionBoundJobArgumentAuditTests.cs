using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.ConnectionBoundJobArgumentAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

/// <summary>
/// Precision audit of the JS0005 recall additions (job-service wrappers, params elements, extension-method jobs, context
/// interfaces declared in the compilation): minimal reproductions (own names, own code) of shapes where they must stay
/// quiet, each with the twin they must still report.
/// </summary>
public class ConnectionBoundJobArgumentAuditTests
{
    private const string Model = """
        using System;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class Shelf { public int Id { get; set; } }

        public class WarehouseDb : DbContext, IStockUnitOfWork
        {
            public DbSet<Shelf> Shelves => Set<Shelf>();
        }

        // Declared here and implemented only by the context: the unit of work is the context.
        public interface IStockUnitOfWork { Task<int> SaveChangesAsync(System.Threading.CancellationToken ct = default); }

        // Declared here and implemented only by plain settings: not connection-bound.
        public interface IWarehouseNamed { string Name { get; } }
        public sealed class WarehouseSettings : IWarehouseNamed { public string Name { get; set; } = "main"; }

        public static class StockJobs
        {
            public static Task Recount(int shelfId) => Task.CompletedTask;
            public static Task RecountWith(IStockUnitOfWork unitOfWork, int shelfId) => Task.CompletedTask;
            public static Task Label(IWarehouseNamed warehouse, int shelfId) => Task.CompletedTask;
            public static void Trace(params object[] values) { }
            public static Task Reindex(this string warehouse) => Task.CompletedTask;
            public static Task Reindex(this WarehouseDb db, int shelfId) => Task.CompletedTask;
        }

        // A wrapper whose first expression is the job and whose second only names a metric key.
        public sealed class TimedJobs
        {
            private readonly IBackgroundJobClient _client;
            public TimedJobs(IBackgroundJobClient client) { _client = client; }
            public string Enqueue<TKey>(Expression<Func<Task>> job, Expression<Func<TKey>> metricKey) => _client.Enqueue(job);
        }
        """;

    [Fact]
    public Task Settings_interfaces_ids_strings_and_a_wrapper_s_non_job_expression_are_not_reported() => Verify.VerifyAsync(Model + """

        public class StockService
        {
            private readonly WarehouseDb _db;
            private readonly TimedJobs _jobs;
            private readonly WarehouseSettings _settings = new();
            public StockService(WarehouseDb db, TimedJobs jobs) { _db = db; _jobs = jobs; }

            public void Plan(int shelfId, string warehouse)
            {
                BackgroundJob.Enqueue(() => StockJobs.Label(_settings, shelfId));
                BackgroundJob.Enqueue(() => StockJobs.Trace(shelfId, warehouse, null!));
                BackgroundJob.Enqueue(() => warehouse.Reindex());
                _jobs.Enqueue(() => StockJobs.Recount(shelfId), () => _db.Shelves);
            }
        }
        """);

    [Fact]
    public Task Context_interface_params_element_extension_receiver_and_wrapped_job_are_reported() => Verify.VerifyAsync(Model + """

        public class StockService
        {
            private readonly WarehouseDb _db;
            private readonly IStockUnitOfWork _unitOfWork;
            private readonly TimedJobs _jobs;
            public StockService(WarehouseDb db, IStockUnitOfWork unitOfWork, TimedJobs jobs) { _db = db; _unitOfWork = unitOfWork; _jobs = jobs; }

            public void Plan(int shelfId, string warehouse)
            {
                BackgroundJob.Enqueue(() => StockJobs.RecountWith({|#0:_unitOfWork|}, shelfId));
                BackgroundJob.Enqueue(() => StockJobs.Trace(shelfId, {|#1:_db|}));
                BackgroundJob.Enqueue(() => {|#2:_db|}.Reindex(shelfId));
                _jobs.Enqueue(() => StockJobs.RecountWith({|#3:_db|}, shelfId), () => shelfId);
            }
        }
        """, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1), Verify.Diagnostic("JS0005", 2), Verify.Diagnostic("JS0005", 3));
}
