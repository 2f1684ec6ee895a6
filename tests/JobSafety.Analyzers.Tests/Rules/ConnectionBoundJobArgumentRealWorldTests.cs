using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.ConnectionBoundJobArgumentAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

/// <summary>
/// JS0005 on minimal reproductions (own names, own code) of the shapes public Hangfire code has: what job expressions pass
/// or capture (derived contexts, the application's context interface, connections, transactions, placeholders, ids,
/// options) and how they reach Hangfire (BackgroundJob, IBackgroundJobClient, recurring jobs, Job.FromExpression, the
/// project's own job-service wrappers). Positive and negative twins.
/// </summary>
public class ConnectionBoundJobArgumentRealWorldTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Data.Common;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading;
        using System.Threading.Tasks;
        using Hangfire;
        using Hangfire.Common;
        using Hangfire.Server;
        using Microsoft.EntityFrameworkCore;
        using Npgsql;
        using StackExchange.Redis;

        """;

    // A derived EF Core context, the application-layer interface over it (clean-architecture templates), and jobs.
    private const string Model = """

        public class Invoice { public int Id { get; set; } public bool Sent { get; set; } }

        public class BillingDb : DbContext
        {
            public DbSet<Invoice> Invoices => Set<Invoice>();
        }

        public interface IBillingDb
        {
            DbSet<Invoice> Invoices { get; }
            Task<int> SaveChangesAsync(CancellationToken ct = default);
        }

        public interface IInvoiceReader { IQueryable<Invoice> Invoices { get; } }

        public class ExportSettings { public string Folder { get; set; } = ""; public string ConnectionString { get; set; } = ""; }

        public static class InvoiceJobs
        {
            public static Task SendAsync(int invoiceId) => Task.CompletedTask;
            public static Task SendWithAsync(BillingDb db, int invoiceId) => Task.CompletedTask;
            public static Task SendThroughAsync(IBillingDb db, int invoiceId) => Task.CompletedTask;
            public static void Export(string connectionString, int invoiceId) { }
            public static void ExportTo(ExportSettings settings) { }
            public static void Store(params object[] items) { }
            public static void Log(object entry) { }
        }
        """;

    [Fact]
    public Task Derived_context_field_passed_to_the_job_is_reported() => Verify.VerifyAsync(Usings + """
        public class InvoiceService
        {
            private readonly BillingDb _db;
            public InvoiceService(BillingDb db) => _db = db;
            public void Send(int id) => BackgroundJob.Enqueue(() => InvoiceJobs.SendWithAsync({|#0:_db|}, id));
        }
        """ + Model, Verify.Diagnostic("JS0005").WithMessage("'_db' (DbContext) is passed to the background job 'InvoiceJobs.SendWithAsync': the job runs later, on another thread or server, where this DbContext is closed, disposed or serialized into garbage. Pass the identifiers the job needs and let the job open its own connection."));

    [Fact]
    public Task Context_used_outside_the_expression_to_compute_ids_is_not_reported() => Verify.VerifyAsync(Usings + """
        public class InvoiceService
        {
            private readonly BillingDb _db;
            private readonly IBackgroundJobClient _jobs;
            public InvoiceService(BillingDb db, IBackgroundJobClient jobs) { _db = db; _jobs = jobs; }
            public void SendPending()
            {
                var ids = _db.Invoices.Where(i => !i.Sent).Select(i => i.Id).ToList();
                foreach (var id in ids)
                {
                    _jobs.Enqueue(() => InvoiceJobs.SendAsync(id));
                }

                _jobs.Enqueue(() => InvoiceJobs.SendAsync(_db.Invoices.Count()));
            }
        }
        """ + Model);

    [Fact]
    public Task Application_context_interface_passed_to_a_job_is_reported() => Verify.VerifyAsync(Usings + """
        public class ReminderJob { public Task RunAsync(IBillingDb db, int id) => Task.CompletedTask; }
        public class ReminderHandler
        {
            private readonly IBillingDb _context;
            private readonly IBackgroundJobClient _jobs;
            public ReminderHandler(IBillingDb context, IBackgroundJobClient jobs) { _context = context; _jobs = jobs; }
            public void Handle(int id)
            {
                _jobs.Enqueue<ReminderJob>(job => job.RunAsync({|#0:_context|}, id));
                _jobs.Enqueue(() => InvoiceJobs.SendThroughAsync({|#1:_context|}, id));
            }
        }
        """ + Model, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1));

    [Fact]
    public Task Read_model_interface_and_settings_objects_are_not_reported() => Verify.VerifyAsync(Usings + """
        public class ExportService
        {
            private readonly IInvoiceReader _reader;
            private readonly ExportSettings _settings;
            private readonly Npgsql.NpgsqlConnection _connection;
            public ExportService(IInvoiceReader reader, ExportSettings settings, Npgsql.NpgsqlConnection connection) { _reader = reader; _settings = settings; _connection = connection; }
            public void Export(int id)
            {
                BackgroundJob.Enqueue(() => InvoiceJobs.Log(_reader));
                BackgroundJob.Enqueue(() => InvoiceJobs.ExportTo(_settings));
                BackgroundJob.Enqueue(() => InvoiceJobs.Export(_settings.ConnectionString, id));
                BackgroundJob.Enqueue(() => InvoiceJobs.Export(_connection.ConnectionString, id));
            }
        }
        """ + Model);

    // Hangfire fills PerformContext and IJobCancellationToken itself: callers pass null / JobCancellationToken.Null.
    [Fact]
    public Task Null_default_and_token_placeholders_are_not_reported() => Verify.VerifyAsync(Usings + """
        public class ImportJob
        {
            public Task RunAsync(int id, PerformContext? context, IJobCancellationToken token) => Task.CompletedTask;
            public Task RunWithAsync(int id, DbConnection? connection, CancellationToken ct) => Task.CompletedTask;
        }
        public class Importer
        {
            public void Start(int id, IBackgroundJobClient jobs)
            {
                jobs.Enqueue<ImportJob>(j => j.RunAsync(id, null, JobCancellationToken.Null));
                jobs.Enqueue<ImportJob>(j => j.RunWithAsync(id, null, CancellationToken.None));
                jobs.Enqueue<ImportJob>(j => j.RunWithAsync(id, default(DbConnection), default));
                jobs.Enqueue<ImportJob>(j => j.RunWithAsync(id, null!, CancellationToken.None));
            }
        }
        """);

    // The receiver is not serialized: Hangfire keeps its type, and the activator creates the instance that runs the job.
    [Fact]
    public Task Receivers_this_and_services_of_the_enclosing_class_are_not_reported() => Verify.VerifyAsync(Usings + """
        public class InvoiceMailer
        {
            private readonly BillingDb _db;
            public InvoiceMailer(BillingDb db) => _db = db;
            public Task MailAsync(int id) => Task.CompletedTask;
        }
        public class Exporter
        {
            public Exporter(BillingDb db) { }
            public void Run(int id) { }
        }
        public class InvoiceController
        {
            private readonly BillingDb _db;
            private readonly InvoiceMailer _mailer;
            public InvoiceController(BillingDb db, InvoiceMailer mailer) { _db = db; _mailer = mailer; }
            public void Send(int id)
            {
                BackgroundJob.Enqueue(() => _mailer.MailAsync(id));
                BackgroundJob.Enqueue(() => this.Resend(id));
                BackgroundJob.Enqueue(() => new Exporter(_db).Run(id));
                BackgroundJob.Enqueue<InvoiceMailer>(m => m.MailAsync(id));
            }
            public void Resend(int id) { }
        }
        """ + Model);

    // A context that enqueues from its own SaveChanges override and hands itself over.
    [Fact]
    public Task Context_passing_itself_is_reported() => Verify.VerifyAsync(Usings + """
        public static class Audit { public static void Write(DbContext db, string what) { } public static void Note(string what) { } }
        public class AuditedDb : DbContext
        {
            public override Task<int> SaveChangesAsync(CancellationToken ct = default)
            {
                BackgroundJob.Enqueue(() => Audit.Write({|#0:this|}, "saved"));
                BackgroundJob.Enqueue(() => Audit.Note(ToString()));
                return base.SaveChangesAsync(ct);
            }
        }
        """, Verify.Diagnostic("JS0005"));

    // Recurring jobs: RecurringJob.AddOrUpdate, IRecurringJobManager.AddOrUpdate and Job.FromExpression.
    [Fact]
    public Task Recurring_jobs_with_a_connection_are_reported() => Verify.VerifyAsync(Usings + """
        public static class Cleanup { public static void Run(NpgsqlConnection c) { } public static void Run(NpgsqlTransaction t, int days) { } public static void Purge(int days) { } }
        public class Schedules
        {
            private readonly NpgsqlConnection _connection;
            public Schedules(NpgsqlConnection connection) => _connection = connection;
            public void Register(IRecurringJobManager manager, NpgsqlTransaction tx)
            {
                RecurringJob.AddOrUpdate("cleanup", () => Cleanup.Run({|#0:_connection|}), Cron.Daily());
                manager.AddOrUpdate("cleanup-2", () => Cleanup.Run({|#1:_connection|}), Cron.Hourly());
                manager.AddOrUpdate("cleanup-3", Job.FromExpression(() => Cleanup.Run({|#2:tx|}, 30)), Cron.Daily());
                RecurringJob.AddOrUpdate("purge", () => Cleanup.Purge(30), Cron.Daily());
                manager.AddOrUpdate("purge-2", Job.FromExpression(() => Cleanup.Purge(30)), Cron.Daily());
            }
        }
        """, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1), Verify.Diagnostic("JS0005", 2));

    // The project's own job service: an interface whose implementation hands the expression to Hangfire.
    private const string JobService = """

        public interface IJobService
        {
            string Enqueue(Expression<Func<Task>> methodCall);
            string Schedule(Expression<Func<Task>> methodCall, TimeSpan delay);
            void EnqueueJob<T>(Expression<Func<T, Task>> methodCall);
        }

        public sealed class HangfireJobService : IJobService
        {
            private readonly IBackgroundJobClient _client;
            public HangfireJobService(IBackgroundJobClient client) => _client = client;
            public string Enqueue(Expression<Func<Task>> methodCall) => _client.Enqueue(methodCall);
            public string Schedule(Expression<Func<Task>> methodCall, TimeSpan delay) => BackgroundJob.Schedule(methodCall, delay);
            public void EnqueueJob<T>(Expression<Func<T, Task>> methodCall) { BackgroundJob.Enqueue(methodCall); }
        }

        public static class RecurringSetup
        {
            public static void Every<T>(string id, Expression<Action<T>> job) => RecurringJob.AddOrUpdate(id, job, Cron.Hourly());
            public static void Daily<T>(string id, Expression<Action<T>> job) => Every(id, job);
        }

        // An in-process runner with the same shape: it compiles and runs the expression now.
        public static class InlineRunner
        {
            public static Task Enqueue(Expression<Func<Task>> call) => call.Compile()();
        }

        public class SyncJob { public void Run(Npgsql.NpgsqlConnection c) { } public Task RunAsync(BillingDb db, int id) => Task.CompletedTask; }
        """;

    [Fact]
    public Task Job_service_wrappers_are_followed() => Verify.VerifyAsync(Usings + """
        public class InvoiceHandler
        {
            private readonly IJobService _jobs;
            private readonly BillingDb _db;
            public InvoiceHandler(IJobService jobs, BillingDb db) { _jobs = jobs; _db = db; }
            public void Handle(int id, NpgsqlConnection connection)
            {
                _jobs.Enqueue(() => InvoiceJobs.SendWithAsync({|#0:_db|}, id));
                _jobs.Schedule(() => InvoiceJobs.SendWithAsync({|#1:_db|}, id), TimeSpan.FromMinutes(5));
                _jobs.EnqueueJob<SyncJob>(j => j.RunAsync({|#2:_db|}, id));
                RecurringSetup.Daily<SyncJob>("sync", j => j.Run({|#3:connection|}));
                new HangfireJobService(null!).Enqueue(() => InvoiceJobs.SendWithAsync({|#4:_db|}, id));
            }
        }
        """ + JobService + Model,
        Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1), Verify.Diagnostic("JS0005", 2), Verify.Diagnostic("JS0005", 3), Verify.Diagnostic("JS0005", 4));

    [Fact]
    public Task Job_service_wrappers_with_ids_and_in_process_runners_are_not_reported() => Verify.VerifyAsync(Usings + """
        public class InvoiceHandler
        {
            private readonly IJobService _jobs;
            private readonly BillingDb _db;
            public InvoiceHandler(IJobService jobs, BillingDb db) { _jobs = jobs; _db = db; }
            public async Task Handle(int id)
            {
                _jobs.Enqueue(() => InvoiceJobs.SendAsync(id));
                _jobs.Schedule(() => InvoiceJobs.SendAsync(id), TimeSpan.FromMinutes(5));
                _jobs.EnqueueJob<SyncJob>(j => j.RunAsync(null!, id));
                await InlineRunner.Enqueue(() => InvoiceJobs.SendWithAsync(_db, id));
            }
        }
        """ + JobService + Model);

    // A generic repository over any context; a params argument list.
    [Fact]
    public Task Generic_context_and_params_arguments_are_reported() => Verify.VerifyAsync(Usings + """
        public class Repository<TContext> where TContext : DbContext
        {
            private readonly TContext _context;
            public Repository(TContext context) => _context = context;
            public void Archive(int id)
            {
                BackgroundJob.Enqueue(() => InvoiceJobs.Log({|#0:_context|}));
                BackgroundJob.Enqueue(() => InvoiceJobs.Store(id, {|#1:_context|}));
                BackgroundJob.Enqueue(() => InvoiceJobs.Store(id, "archived"));
            }
        }
        """ + Model, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1));

    // Npgsql 7+ data sources are what services inject: a data source hands out connections and cannot be serialized
    // either. A Redis multiplexer is not a database connection: JS0005 leaves it alone.
    [Fact]
    public Task Data_source_is_reported_and_redis_multiplexer_is_not() => Verify.VerifyAsync(Usings + """
        public static class Warmup { public static void Run(object o) { } }
        public class Starter
        {
            public void Start(NpgsqlDataSource dataSource, IConnectionMultiplexer redis)
            {
                BackgroundJob.Enqueue(() => Warmup.Run({|#0:dataSource|}));
                BackgroundJob.Enqueue(() => Warmup.Run(redis));
            }
        }
        """, Verify.Diagnostic("JS0005"));

    // EF6, NHibernate and MongoDB session types, declared here under their real names (the tests do not reference those
    // libraries): matched by metadata name like the EF Core ones.
    [Fact]
    public Task Ef6_nhibernate_and_mongo_sessions_are_reported() => Verify.VerifyAsync(Usings + """
        namespace System.Data.Entity { public class DbContext { } }
        namespace NHibernate { public interface ISession { } public interface IStatelessSession { } public interface ITransaction { } }
        namespace MongoDB.Driver { public interface IClientSessionHandle { } }
        namespace Legacy
        {
            public class ShopEntities : System.Data.Entity.DbContext { }
            public static class Jobs { public static void Run(object o) { } }
            public class Mover
            {
                public void Go(ShopEntities db, NHibernate.ISession session, NHibernate.IStatelessSession stateless, NHibernate.ITransaction tx, MongoDB.Driver.IClientSessionHandle mongo)
                {
                    BackgroundJob.Enqueue(() => Jobs.Run({|#0:db|}));
                    BackgroundJob.Enqueue(() => Jobs.Run({|#1:session|}));
                    BackgroundJob.Enqueue(() => Jobs.Run({|#2:stateless|}));
                    BackgroundJob.Enqueue(() => Jobs.Run({|#3:tx|}));
                    BackgroundJob.Enqueue(() => Jobs.Run({|#4:mongo|}));
                }
            }
        }
        """, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1), Verify.Diagnostic("JS0005", 2), Verify.Diagnostic("JS0005", 3), Verify.Diagnostic("JS0005", 4));

    // Other libraries' Enqueue: a UI dispatcher taking an Action, and a project queue taking a delegate.
    [Fact]
    public Task Dispatcher_and_in_memory_queues_are_not_reported() => Verify.VerifyAsync(Usings + """
        public static class MainThread { public static void Enqueue(Action a) => a(); }
        public class Listener
        {
            private readonly ConcurrentQueue<Action> _work = new();
            public void OnMessage(NpgsqlConnection connection)
            {
                MainThread.Enqueue(() => Process(connection));
                _work.Enqueue(() => Process(connection));
            }
            private void Process(NpgsqlConnection connection) { }
        }
        """);

    // Objects that live on an open connection or in the context: a command, a reader, db.Database, a change-tracker entry
    // (audit code inside SaveChanges). Their disconnected twins are values: a DataTable, the entity itself, an EF query
    // (Hangfire serializes the rows it returns at enqueue time).
    [Fact]
    public Task Commands_readers_and_tracker_entries_are_reported_and_disconnected_values_are_not() => Verify.VerifyAsync(Usings + """
        public static class AuditJobs { public static void Record(object item) { } }
        public class AuditingDb : DbContext
        {
            public DbSet<Invoice> Invoices => Set<Invoice>();
            public void Queue(NpgsqlCommand command, NpgsqlDataReader reader, System.Data.DataTable table)
            {
                foreach (var entry in ChangeTracker.Entries<Invoice>())
                {
                    BackgroundJob.Enqueue(() => AuditJobs.Record({|#0:entry|}));
                    BackgroundJob.Enqueue(() => AuditJobs.Record(entry.Entity));
                }

                BackgroundJob.Enqueue(() => AuditJobs.Record({|#1:command|}));
                BackgroundJob.Enqueue(() => AuditJobs.Record({|#2:reader|}));
                BackgroundJob.Enqueue(() => AuditJobs.Record({|#3:Database|}));
                BackgroundJob.Enqueue(() => AuditJobs.Record(table));
                BackgroundJob.Enqueue(() => AuditJobs.Record(command.CommandText));
                BackgroundJob.Enqueue(() => AuditJobs.Record(Invoices.Where(i => !i.Sent)));
            }
        }
        """ + Model, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1), Verify.Diagnostic("JS0005", 2), Verify.Diagnostic("JS0005", 3));

    // A static extension method as the job: its `this` argument is an argument Hangfire serializes (Dapper's Execute on the
    // connection, EF's ExecuteSqlRaw on db.Database). An instance method on the context is a receiver, resolved by the activator.
    [Fact]
    public Task Extension_method_jobs_on_a_connection_are_reported() => Verify.VerifyAsync(Usings + """
        using Dapper;
        public class Maintenance
        {
            private readonly BillingDb _db;
            private readonly NpgsqlConnection _connection;
            public Maintenance(BillingDb db, NpgsqlConnection connection) { _db = db; _connection = connection; }
            public void Nightly()
            {
                BackgroundJob.Enqueue(() => {|#0:_connection|}.Execute("vacuum", null, null, null, null));
                BackgroundJob.Enqueue(() => {|#1:_db.Database|}.ExecuteSqlRaw("delete from invoices where sent"));
                BackgroundJob.Enqueue(() => _db.SaveChanges());
            }
        }
        """ + Model, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1));

    // Context interfaces without DbSet properties: a `Set<T>()` method, or only SaveChangesAsync but implemented here by the
    // context alone. An interface the context shares with an ordinary class (ITenantScoped) stays a value.
    [Fact]
    public Task Context_interfaces_by_set_method_or_by_their_only_implementation_are_reported() => Verify.VerifyAsync(Usings + """
        public interface IShopContext { DbSet<T> Set<T>() where T : class; Task<int> SaveChangesAsync(CancellationToken ct = default); }
        public interface IShopUnit { Task<int> SaveChangesAsync(CancellationToken ct = default); }
        public interface ITenantScoped { string Tenant { get; } }
        public abstract class ShopDbBase : DbContext, IShopUnit { }
        public class ShopDb : ShopDbBase, IShopContext, ITenantScoped { public string Tenant => "t"; }
        public class Cart : ITenantScoped { public string Tenant => "t"; }
        public static class ShopJobs { public static void Run(object o) { } }
        public class Checkout
        {
            public void Done(IShopContext context, IShopUnit unit, ITenantScoped scoped, IDisposable disposable)
            {
                BackgroundJob.Enqueue(() => ShopJobs.Run({|#0:context|}));
                BackgroundJob.Enqueue(() => ShopJobs.Run({|#1:unit|}));
                BackgroundJob.Enqueue(() => ShopJobs.Run(scoped));
                BackgroundJob.Enqueue(() => ShopJobs.Run(disposable));
            }
        }
        """, Verify.Diagnostic("JS0005", 0), Verify.Diagnostic("JS0005", 1));
}
