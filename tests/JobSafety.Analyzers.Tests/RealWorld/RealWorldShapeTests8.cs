using JobSafety.Analyzers.Tests.SideEffects;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Eighth batch of minimal reproductions (own names, own code) of real-world shapes, from a fifth precision review:
/// outboxes that take the transaction in an envelope object, outboxed buses, message handler contexts, units of work that
/// commit EF's current transaction, in-memory work queues, domain types named Transaction, broker- and cache-side
/// transactions. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests8
{
    // ---- Wolverine: a message context enlisted in the outbox with an envelope transaction built from the open DbTransaction
    // stores its messages in that transaction; IDbContextOutbox<T> always stores them with its DbContext. ----
    private const string Wolverine = """
        namespace Wolverine
        {
            public interface IEnvelopeTransaction { }
            public interface IMessageBus
            {
                System.Threading.Tasks.ValueTask SendAsync<T>(T message);
                System.Threading.Tasks.ValueTask PublishAsync<T>(T message);
            }
            public interface IMessageContext : IMessageBus
            {
                System.Threading.Tasks.Task EnlistInOutboxAsync(IEnvelopeTransaction transaction);
                System.Threading.Tasks.Task FlushOutgoingMessagesAsync();
            }
        }
        namespace Wolverine.Runtime
        {
            public interface IWolverineRuntime { object Storage { get; } }
            public class MessageContext : Wolverine.IMessageContext
            {
                public MessageContext(IWolverineRuntime runtime) { }
                public System.Threading.Tasks.ValueTask SendAsync<T>(T message) => default;
                public System.Threading.Tasks.ValueTask PublishAsync<T>(T message) => default;
                public System.Threading.Tasks.Task EnlistInOutboxAsync(Wolverine.IEnvelopeTransaction transaction) => System.Threading.Tasks.Task.CompletedTask;
                public System.Threading.Tasks.Task FlushOutgoingMessagesAsync() => System.Threading.Tasks.Task.CompletedTask;
            }
        }
        namespace Wolverine.RDBMS
        {
            public interface IMessageDatabase { }
            public class DatabaseEnvelopeTransaction : Wolverine.IEnvelopeTransaction
            {
                public DatabaseEnvelopeTransaction(IMessageDatabase database, System.Data.Common.DbTransaction transaction) { }
            }
            public static class DbOutboxExtensions
            {
                public static System.Threading.Tasks.Task EnlistInOutboxAsync(this Wolverine.IMessageContext context, System.Data.Common.DbTransaction tx) => System.Threading.Tasks.Task.CompletedTask;
            }
        }
        namespace Wolverine.EntityFrameworkCore
        {
            public interface IDbContextOutbox<T> : Wolverine.IMessageBus where T : Microsoft.EntityFrameworkCore.DbContext
            {
                T DbContext { get; }
                System.Threading.Tasks.Task SaveChangesAndFlushMessagesAsync(System.Threading.CancellationToken token = default);
            }
            public interface IDbContextOutbox : Wolverine.IMessageBus
            {
                void Enroll(Microsoft.EntityFrameworkCore.DbContext dbContext);
                System.Threading.Tasks.Task SaveChangesAndFlushMessagesAsync(System.Threading.CancellationToken token = default);
            }
        }
        """;

    private const string WolverineEnlisted = """
        using System;
        using System.Threading.Tasks;
        using Npgsql;
        using Wolverine;
        using Wolverine.RDBMS;
        using Wolverine.Runtime;

        public record ItemStored(Guid Id);

        public class ItemEndpoint
        {
            private readonly NpgsqlDataSource _source;
            private readonly IWolverineRuntime _runtime;
            private readonly IMessageBus _bus;
            public ItemEndpoint(NpgsqlDataSource source, IWolverineRuntime runtime, IMessageBus bus) { _source = source; _runtime = runtime; _bus = bus; }

            public async Task Store(Guid id, bool keep)
            {
                await using var conn = await _source.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                var context = new MessageContext(_runtime);
                ENLIST
                await context.PublishAsync(new ItemStored(id));
                var viaExtension = new MessageContext(_runtime);
                await viaExtension.EnlistInOutboxAsync(tx);
                await viaExtension.SendAsync(new ItemStored(id));
                OTHER
                if (keep)
                {
                    await tx.CommitAsync();
                    await context.FlushOutgoingMessagesAsync();
                }
                else
                {
                    await tx.RollbackAsync();
                }
            }
        }
        """;

    [Fact]
    public Task Wolverine_context_enlisted_with_an_envelope_built_from_the_transaction_is_not_reported() => StandInLibrary.VerifyAsync(Wolverine,
        WolverineEnlisted
            .Replace("ENLIST", "await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)_runtime.Storage, tx));")
            .Replace("OTHER", ""),
        null);

    [Fact]
    public Task Wolverine_context_enlisted_through_a_local_envelope_is_not_reported_but_the_plain_bus_is() => StandInLibrary.VerifyAsync(Wolverine,
        WolverineEnlisted
            .Replace("ENLIST", "var envelope = new DatabaseEnvelopeTransaction((IMessageDatabase)_runtime.Storage, tx); await context.EnlistInOutboxAsync(envelope);")
            .Replace("OTHER", "await {|#0:_bus.PublishAsync(new ItemStored(id))|};"),
        null, Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Wolverine_context_not_enlisted_is_reported() => StandInLibrary.VerifyAsync(Wolverine,
        WolverineEnlisted
            .Replace("ENLIST", "")
            .Replace("await context.PublishAsync(new ItemStored(id));", "await {|#0:context.PublishAsync(new ItemStored(id))|};")
            .Replace("OTHER", ""),
        null, Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Wolverine_db_context_outbox_publishes_are_not_reported_the_bus_is() => StandInLibrary.VerifyAsync(Wolverine, """
        using System;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Wolverine;
        using Wolverine.EntityFrameworkCore;

        public class KitchenDb : DbContext { }
        public record RouteChanged(Guid Product);

        public static class RouteEndpoint
        {
            public static async Task Change(Guid product, IDbContextOutbox<KitchenDb> outbox, IDbContextOutbox plain, KitchenDb other, IMessageBus bus)
            {
                await using var tx = await outbox.DbContext.Database.BeginTransactionAsync();
                await outbox.PublishAsync(new RouteChanged(product));
                plain.Enroll(other);
                await plain.SendAsync(new RouteChanged(product));
                await {|#0:bus.PublishAsync(new RouteChanged(product))|};
                await outbox.SaveChangesAndFlushMessagesAsync();
                await tx.CommitAsync();
            }
        }
        """, null, Verify.Diagnostic("JS0001"));

    // ---- NServiceBus: a handler's context batches its sends and publishes until the handler has returned (after the handler's
    // own transaction is committed); the endpoint's IMessageSession sends at once. ----
    private const string NServiceBus = """
        namespace NServiceBus
        {
            public class SendOptions { }
            public class PublishOptions { }
            public interface IPipelineContext
            {
                System.Threading.Tasks.Task Send(object message, SendOptions? options = null);
                System.Threading.Tasks.Task Publish(object message, PublishOptions? options = null);
            }
            public interface IMessageHandlerContext : IPipelineContext { }
            public interface IHandleMessages<T> { System.Threading.Tasks.Task Handle(T message, IMessageHandlerContext context); }
            public interface IMessageSession
            {
                System.Threading.Tasks.Task Send(object message, SendOptions? options = null);
                System.Threading.Tasks.Task Publish(object message, PublishOptions? options = null);
            }
        }
        """;

    [Fact]
    public Task Handler_context_publish_inside_the_handlers_transaction_is_not_reported_the_session_is() => StandInLibrary.VerifyAsync(NServiceBus, """
        using System.Threading.Tasks;
        using NServiceBus;
        using Npgsql;

        public record ReserveSeat(int Seat);
        public record SeatReserved(int Seat);

        public class ReserveSeatHandler : IHandleMessages<ReserveSeat>
        {
            private readonly NpgsqlDataSource _source;
            private readonly IMessageSession _session;
            public ReserveSeatHandler(NpgsqlDataSource source, IMessageSession session) { _source = source; _session = session; }

            public async Task Handle(ReserveSeat message, IMessageHandlerContext context)
            {
                await using var conn = await _source.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await context.Publish(new SeatReserved(message.Seat));
                await context.Send(new SeatReserved(message.Seat));
                await {|#0:_session.Publish(new SeatReserved(message.Seat))|};
                await tx.CommitAsync();
            }
        }
        """, null, Verify.Diagnostic("JS0001"));

    // ---- A unit of work that commits EF's current transaction (`Database.CurrentTransaction?.CommitAsync()`), with the
    // transaction begun by its own BeginTransactionAsync(): work after CompleteAsync() is after the commit. ----
    private const string CurrentTransactionWork = """
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public class PermitDb : DbContext { }

        public class PermitWork
        {
            private readonly PermitDb _context;
            public PermitWork(PermitDb context) { _context = context; }

            public virtual async Task BeginTransactionAsync() => await _context.Database.BeginTransactionAsync();

            public virtual async Task CompleteAsync()
            {
                await _context.SaveChangesAsync();
                await (_context.Database.CurrentTransaction?.CommitAsync() ?? Task.CompletedTask);
            }

            public virtual async Task RollbackAsync()
            {
                if (_context.Database.CurrentTransaction != null) await _context.Database.CurrentTransaction.RollbackAsync();
            }
        }

        public record PermitGranted(int Id);

        public class PermitService
        {
            private readonly PermitWork _work;
            private readonly IPublishEndpoint _bus;
            public PermitService(PermitWork work, IPublishEndpoint bus) { _work = work; _bus = bus; }

            public async Task Grant(int id)
            {
                await _work.BeginTransactionAsync();
                try
                {
                    INSIDE
                    await _work.CompleteAsync();
                }
                catch
                {
                    await _work.RollbackAsync();
                    throw;
                }

                await _bus.Publish(new PermitGranted(id));
            }
        }
        """;

    [Fact]
    public Task Publish_after_a_unit_of_work_commits_efs_current_transaction_is_not_reported() => Verify.VerifyAsync(
        CurrentTransactionWork.Replace("INSIDE", ""));

    [Fact]
    public Task Publish_before_a_unit_of_work_commits_efs_current_transaction_is_reported() => Verify.VerifyAsync(
        CurrentTransactionWork.Replace("INSIDE", "await {|#0:_bus.Publish(new PermitGranted(-id))|};"),
        Verify.Diagnostic("JS0001"));

    // ---- The queued background work item of the hosted-service pattern: a lambda written to a channel by a source queue
    // runs later on the worker, not here; the HTTP call next to it is made now. ----
    private const string WorkQueue = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public interface IWorkQueue
        {
            ValueTask QueueAsync(Func<CancellationToken, ValueTask> item);
            ValueTask<Func<CancellationToken, ValueTask>> DequeueAsync(CancellationToken ct);
        }

        public sealed class WorkQueue : IWorkQueue
        {
            private readonly Channel<Func<CancellationToken, ValueTask>> _items = Channel.CreateBounded<Func<CancellationToken, ValueTask>>(100);
            public ValueTask QueueAsync(Func<CancellationToken, ValueTask> item) => _items.Writer.WriteAsync(item);
            public ValueTask<Func<CancellationToken, ValueTask>> DequeueAsync(CancellationToken ct) => _items.Reader.ReadAsync(ct);
        }

        public class SurveyDb : DbContext { }

        public class SurveyService
        {
            private readonly SurveyDb _db;
            private readonly IWorkQueue _queue;
            private readonly HttpClient _http;
            public SurveyService(SurveyDb db, IWorkQueue queue, HttpClient http) { _db = db; _queue = queue; _http = http; }

            public async Task Close(int id)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                await _queue.QueueAsync(async ct => { await _http.PostAsync($"/surveys/{id}/closed", null, ct); });
                INSIDE
                await tx.CommitAsync();
            }
        }
        """;

    [Fact]
    public Task Work_item_queued_to_an_in_memory_channel_is_not_reported() => Verify.VerifyAsync(
        WorkQueue.Replace("INSIDE", ""));

    [Fact]
    public Task Http_call_next_to_the_queued_work_item_is_reported() => Verify.VerifyAsync(
        WorkQueue.Replace("INSIDE", "await {|#0:_http.PostAsync($\"/surveys/{id}/closing\", null)|};"),
        Verify.Diagnostic("JS0003"));

    // ---- A ledger domain: an entity named Transaction whose constructor sets transaction fields, a repository of them and
    // a handler that saves and publishes. No database transaction is open anywhere. ----
    [Fact]
    public Task Domain_entity_named_transaction_is_not_a_database_transaction() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public enum TransactionKind { Credit, Debit }

        public class Transaction
        {
            public Transaction(decimal amount, TransactionKind kind)
            {
                TransactionId = Guid.NewGuid();
                Amount = amount;
                TransactionKind = kind;
                TransactionDate = DateTime.UtcNow;
            }

            public Guid TransactionId { get; private set; }
            public decimal Amount { get; private set; }
            public TransactionKind TransactionKind { get; private set; }
            public DateTime TransactionDate { get; private set; }
        }

        public class LedgerDb : DbContext { public DbSet<Transaction> Transactions => Set<Transaction>(); }

        public record TransactionRecorded(Guid Id, decimal Amount);

        public class TransactionRepository
        {
            private readonly LedgerDb _db;
            public TransactionRepository(LedgerDb db) { _db = db; }
            public async Task<Transaction> BeginTransferAsync(decimal amount)
            {
                var transaction = new Transaction(amount, TransactionKind.Debit);
                _db.Transactions.Add(transaction);
                await _db.SaveChangesAsync();
                return transaction;
            }
        }

        public class RecordTransactionHandler
        {
            private readonly TransactionRepository _transactions;
            private readonly IPublishEndpoint _bus;
            public RecordTransactionHandler(TransactionRepository transactions, IPublishEndpoint bus) { _transactions = transactions; _bus = bus; }

            public async Task Handle(decimal amount)
            {
                var transaction = await _transactions.BeginTransferAsync(amount);
                await _bus.Publish(new TransactionRecorded(transaction.TransactionId, transaction.Amount));
            }
        }
        """);

    // ---- A wrapper around a Redis MULTI/EXEC (constructor calls CreateTransaction, Execute runs it): not a database
    // transaction; inside a real database transaction its writes are still reported. ----
    private const string RedisBatchWrapper = """
        using System.Threading.Tasks;
        using Npgsql;
        using StackExchange.Redis;

        public class RedisTransactions
        {
            private readonly ITransaction _transaction;
            public RedisTransactions(IDatabase db) { _transaction = db.CreateTransaction(); }
            public IDatabaseAsync Db => _transaction;
            public void AddCondition(Condition condition) => _transaction.AddCondition(condition);
            public Task<bool> ExecuteAsync() => _transaction.ExecuteAsync();
        }

        public class ScoreBoard
        {
            private readonly IDatabase _redis;
            public ScoreBoard(IDatabase redis) { _redis = redis; }

            public async Task Bump(string player)
            {
                var multi = new RedisTransactions(_redis);
                multi.AddCondition(Condition.KeyExists("board"));
                _ = multi.Db.SortedSetIncrementAsync("board", player, 1);
                await multi.ExecuteAsync();
                await _redis.StringSetAsync("last", player);
            }

            public async Task BumpAndStore(NpgsqlConnection conn, string player)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:_redis.StringSetAsync("last", player)|};
                await tx.CommitAsync();
            }
        }
        """;

    [Fact]
    public Task Redis_multi_wrapper_is_not_a_region() => Verify.VerifyAsync(RedisBatchWrapper, Verify.Diagnostic("JS0004"));

    // ---- CAP on a unit of work of another ORM: an extension BeginTransaction(this IOrmWork, ICapPublisher) returning CAP's
    // transaction. Publishes on the publisher handed to it join the transaction; an HTTP call does not. ----
    [Fact]
    public Task Cap_publisher_handed_to_an_extension_begin_is_enlisted_http_is_reported() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using DotNetCore.CAP;

        public interface IOrmWork : IDisposable { void Commit(); }

        public static class CapOrmExtensions
        {
            public static ICapTransaction BeginTransaction(this IOrmWork work, ICapPublisher publisher, bool autoCommit = false)
                => throw new NotSupportedException();
        }

        public class RefundService
        {
            private readonly IOrmWork _work;
            private readonly ICapPublisher _cap;
            private readonly HttpClient _http;
            public RefundService(IOrmWork work, ICapPublisher cap, HttpClient http) { _work = work; _cap = cap; _http = http; }

            public async Task Refund(long order)
            {
                using (var tx = _work.BeginTransaction(_cap))
                {
                    await _cap.PublishAsync("refund.issued", order);
                    await {|#0:_http.PostAsync($"/orders/{order}/refund", null)|};
                    tx.Commit();
                }
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // ---- An integration-test base class that begins an EF transaction in its set-up (kept in a field, rolled back in the
    // tear-down) and whose helpers call the API over HTTP: the helpers run in no region of their own. ----
    [Fact]
    public Task Test_base_with_transaction_begun_in_set_up_does_not_make_helpers_regions() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class BrokerDb : DbContext { }

        public abstract class ApiTests
        {
            protected HttpClient Client { get; private set; } = null!;
            protected BrokerDb Db { get; private set; } = null!;
            private IDbContextTransaction _transaction = null!;

            public void SetUp()
            {
                Client = new HttpClient();
                Db = new BrokerDb();
                _transaction = Db.Database.BeginTransaction();
                Client.DefaultRequestHeaders.Add("X-Test", "1");
            }

            public void TearDown()
            {
                Client.Dispose();
                _transaction.Rollback();
                _transaction.Dispose();
            }

            protected Task<HttpResponseMessage> Get(string uri) => Client.GetAsync(new Uri(uri, UriKind.Relative));
            protected Task<HttpResponseMessage> Post(string uri) => Client.PostAsync(new Uri(uri, UriKind.Relative), null);
        }

        public class PackageTests : ApiTests
        {
            public async Task Creates_a_package()
            {
                var created = await Post("/packages");
                var read = await Get("/packages/1");
            }
        }
        """);

    // ---- Batch import: each item in its own transaction; a failed item is rolled back and skipped with `continue`,
    // a rejected one returns early after its rollback; notifications follow each commit. ----
    private const string PerItemImport = """
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

                        INSIDE
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
        """;

    [Fact]
    public Task Enqueues_after_rollback_continue_early_return_and_commit_are_not_reported() => Verify.VerifyAsync(
        PerItemImport.Replace("INSIDE", ""));

    [Fact]
    public Task Enqueue_before_the_per_item_commit_is_reported() => Verify.VerifyAsync(
        PerItemImport.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => Console.WriteLine(\"importing \" + row))|};"),
        Verify.Diagnostic("JS0001"));

    // ---- A unit of work holding its transaction in a field: SaveChangesAsync publishes (through the bus) only when no
    // transaction is held, CommitAsync commits and then publishes what it collected. ----
    private const string CollectingWork = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class StockDb : DbContext { }
        public record StockChanged(int Sku);

        public class CollectingWork
        {
            private readonly StockDb _context;
            private readonly IPublishEndpoint _bus;
            private readonly List<StockChanged> _collected = new();
            private IDbContextTransaction? _current;
            public CollectingWork(StockDb context, IPublishEndpoint bus) { _context = context; _bus = bus; }

            public async Task<int> SaveChangesAsync(StockChanged change, CancellationToken ct = default)
            {
                if (_current != null)
                {
                    _collected.Add(change);
                }

                var saved = await _context.SaveChangesAsync(ct);
                if (_current == null)
                {
                    await _bus.Publish(change, ct);
                }

                return saved;
            }

            public async Task BeginTransactionAsync(CancellationToken ct = default)
            {
                _current = await _context.Database.BeginTransactionAsync(ct);
                _collected.Clear();
            }

            public async Task CommitAsync(CancellationToken ct = default)
            {
                try
                {
                    await _current!.CommitAsync(ct);
                    foreach (var change in _collected)
                    {
                        await _bus.Publish(change, ct);
                    }
                }
                finally
                {
                    await _current!.DisposeAsync();
                    _current = null;
                    _collected.Clear();
                }
            }
        }

        public class Restock
        {
            private readonly CollectingWork _work;
            private readonly IPublishEndpoint _bus;
            public Restock(CollectingWork work, IPublishEndpoint bus) { _work = work; _bus = bus; }

            public async Task Run(int sku)
            {
                await _work.BeginTransactionAsync();
                await _work.SaveChangesAsync(new StockChanged(sku));
                INSIDE
                await _work.CommitAsync();
            }
        }
        """;

    [Fact]
    public Task Unit_of_work_publishing_only_without_its_transaction_or_after_commit_is_not_reported() => Verify.VerifyAsync(
        CollectingWork.Replace("INSIDE", ""));

    [Fact]
    public Task Direct_publish_inside_the_collecting_unit_of_work_is_reported() => Verify.VerifyAsync(
        CollectingWork.Replace("INSIDE", "await {|#0:_bus.Publish(new StockChanged(-sku))|};"),
        Verify.Diagnostic("JS0001"));

    // ---- A job library's own storage transaction (constructor begins an EF transaction kept in a field; EnqueueJob only adds
    // a row; CommitAsync commits): its EnqueueJob is not a side effect, a Hangfire enqueue next to it is. ----
    [Fact]
    public Task Storage_transaction_method_named_enqueue_is_not_reported_hangfire_is() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class JobRow { public int Id { get; set; } public string State { get; set; } = ""; }
        public class JobsDb : DbContext { public DbSet<JobRow> Jobs => Set<JobRow>(); }

        public sealed class JobStorageTransaction : IDisposable
        {
            private readonly JobsDb _db;
            private readonly IDbContextTransaction _transaction;
            public JobStorageTransaction(JobsDb db) { _db = db; _transaction = db.Database.BeginTransaction(); }
            public void EnqueueJob(JobRow job) { job.State = "Enqueued"; _db.Update(job); }
            public async Task CommitAsync() { await _db.SaveChangesAsync(); await _transaction.CommitAsync(); }
            public void Dispose() => _transaction.Dispose();
        }

        public class Dispatcher
        {
            private readonly JobsDb _db;
            private readonly IBackgroundJobClient _jobs;
            public Dispatcher(JobsDb db, IBackgroundJobClient jobs) { _db = db; _jobs = jobs; }

            public async Task Dispatch(JobRow job)
            {
                using (var transaction = new JobStorageTransaction(_db))
                {
                    transaction.EnqueueJob(job);
                    {|#0:_jobs.Enqueue(() => Console.WriteLine(job.Id))|};
                    await transaction.CommitAsync();
                }
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // ---- CAP's publisher switched to a CAP transaction the method was handed (`using (cap.UseTransaction(tx))`, an
    // application extension): its publishes join that transaction; an HTTP call in the same block does not. ----
    [Fact]
    public Task Cap_publisher_switched_to_a_handed_cap_transaction_is_not_reported_http_is() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using DotNetCore.CAP;

        public static class CapPublisherTransactionExtensions
        {
            public static IDisposable UseTransaction(this ICapPublisher publisher, ICapTransaction transaction)
            {
                var previous = publisher.Transaction;
                publisher.Transaction = transaction;
                return new Restore(() => publisher.Transaction = previous);
            }

            private sealed class Restore : IDisposable
            {
                private readonly Action _undo;
                public Restore(Action undo) { _undo = undo; }
                public void Dispose() => _undo();
            }
        }

        public class AuditRelay
        {
            private readonly ICapPublisher _cap;
            private readonly HttpClient _http;
            public AuditRelay(ICapPublisher cap, HttpClient http) { _cap = cap; _http = http; }

            public async Task Relay(ICapTransaction transaction, string entry)
            {
                using (_cap.UseTransaction(transaction))
                {
                    await _cap.PublishAsync("audit.entry", entry);
                    await {|#0:_http.PostAsync("/audit", new StringContent(entry))|};
                }
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // ---- A scheduler that insists on an ambient TransactionScope (`_ = Transaction.Current ?? throw ...`) before enqueuing
    // with Hangfire, called inside a scope: reported through the call by default, not when the Hangfire storage enlists. ----
    private const string ScopeOnlyScheduler = """
        using System;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;

        public class ScopeOnlyScheduler
        {
            private readonly IBackgroundJobClient _client;
            public ScopeOnlyScheduler(IBackgroundJobClient client) { _client = client; }

            public string Enqueue<T>(Expression<Func<T, Task>> call)
            {
                _ = Transaction.Current ?? throw new InvalidOperationException("A TransactionScope is required.");
                return _client.Enqueue(call);
            }
        }

        public class Notifier { public Task Tell(int id) => Task.CompletedTask; }

        public class CaseService
        {
            private readonly ScopeOnlyScheduler _scheduler;
            public CaseService(ScopeOnlyScheduler scheduler) { _scheduler = scheduler; }

            public void Close(int id)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                MARK
                scope.Complete();
            }
        }
        """;

    [Fact]
    public Task Scheduler_requiring_a_scope_inside_a_scope_is_reported_by_default() => Verify.VerifyAsync(
        ScopeOnlyScheduler.Replace("MARK", "{|#0:_scheduler.Enqueue<Notifier>(n => n.Tell(id))|};"),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Scheduler_requiring_a_scope_inside_a_scope_is_not_reported_when_the_storage_enlists() => Verify.VerifyAsync(
        ScopeOnlyScheduler.Replace("MARK", "_scheduler.Enqueue<Notifier>(n => n.Tell(id));"),
        "jobsafety.hangfire_storage_enlists = true");

    // ---- A DbContext wrapper handing out the application's own transaction wrapper (commit sets a flag, DisposeAsync rolls
    // back when it was not committed): HTTP after CommitAsync is after the commit. ----
    private const string TransactionWrapper = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public interface ITxWrapper : IAsyncDisposable
        {
            Task CommitAsync();
            Task RollbackAsync();
        }

        public sealed class AutoRollbackTx : ITxWrapper
        {
            private readonly IDbContextTransaction _transaction;
            private bool _committed;
            public AutoRollbackTx(IDbContextTransaction transaction) { _transaction = transaction; }
            public async Task CommitAsync() { await _transaction.CommitAsync(); _committed = true; }
            public Task RollbackAsync() => _transaction.RollbackAsync();
            public async ValueTask DisposeAsync()
            {
                if (!_committed) await _transaction.RollbackAsync();
                await _transaction.DisposeAsync();
            }
        }

        public class TradeDb : DbContext
        {
            public async Task<ITxWrapper> BeginWrappedAsync() => new AutoRollbackTx(await Database.BeginTransactionAsync());
        }

        public class TokenService
        {
            private readonly TradeDb _db;
            private readonly HttpClient _http;
            public TokenService(TradeDb db, HttpClient http) { _db = db; _http = http; }

            public async Task Refresh(string user)
            {
                await using var tx = await _db.BeginWrappedAsync();
                await _db.SaveChangesAsync();
                INSIDE
                await tx.CommitAsync();
                await _http.PostAsync($"/tokens/{user}/refreshed", null);
            }
        }
        """;

    [Fact]
    public Task Http_after_committing_the_applications_transaction_wrapper_is_not_reported() => Verify.VerifyAsync(
        TransactionWrapper.Replace("INSIDE", ""));

    [Fact]
    public Task Http_before_committing_the_applications_transaction_wrapper_is_reported() => Verify.VerifyAsync(
        TransactionWrapper.Replace("INSIDE", "await {|#0:_http.PostAsync($\"/tokens/{user}/refreshing\", null)|};"),
        Verify.Diagnostic("JS0003"));

    // ---- NHibernate interceptors: AfterTransactionCompletion(ITransaction) runs once the transaction has committed or rolled
    // back (publishing what the session collected when tx.WasCommitted); BeforeTransactionCompletion runs inside it. ----
    private const string NHibernate = """
        // Stand-in for NHibernate (not restorable here).
        namespace NHibernate
        {
            public interface ITransaction : System.IDisposable { void Commit(); void Rollback(); bool WasCommitted { get; } bool WasRolledBack { get; } }
            public interface IInterceptor
            {
                void AfterTransactionBegin(ITransaction tx);
                void BeforeTransactionCompletion(ITransaction tx);
                void AfterTransactionCompletion(ITransaction tx);
            }
            public class EmptyInterceptor : IInterceptor
            {
                public virtual void AfterTransactionBegin(ITransaction tx) { }
                public virtual void BeforeTransactionCompletion(ITransaction tx) { }
                public virtual void AfterTransactionCompletion(ITransaction tx) { }
            }
        }
        """;

    [Fact]
    public Task NHibernate_after_completion_callbacks_are_not_regions_before_completion_is() => StandInLibrary.VerifyAsync(NHibernate, """
        using System.Collections.Generic;
        using MassTransit;
        using NHibernate;

        public record EntitySaved(object Entity);

        public class PublishingInterceptor : EmptyInterceptor
        {
            private readonly IPublishEndpoint _bus;
            private readonly List<object> _saved = new();
            public PublishingInterceptor(IPublishEndpoint bus) { _bus = bus; }

            public override void BeforeTransactionCompletion(ITransaction tx)
            {
                {|#0:_bus.Publish(new EntitySaved("before"))|};
            }

            public override void AfterTransactionCompletion(ITransaction tx)
            {
                if (tx != null && tx.WasCommitted)
                {
                    foreach (var entity in _saved)
                    {
                        _bus.Publish(new EntitySaved(entity));
                    }
                }

                _saved.Clear();
                base.AfterTransactionCompletion(tx);
            }
        }

        public class ExplicitInterceptor : IInterceptor
        {
            private readonly IPublishEndpoint _bus;
            public ExplicitInterceptor(IPublishEndpoint bus) { _bus = bus; }
            void IInterceptor.AfterTransactionBegin(ITransaction tx) { }
            void IInterceptor.BeforeTransactionCompletion(ITransaction tx) { }
            void IInterceptor.AfterTransactionCompletion(ITransaction tx) => _bus.Publish(new EntitySaved("done"));
        }
        """, null, Verify.Diagnostic("JS0001"));

    // The same for EF Core's interceptor implemented explicitly: TransactionCommittedAsync runs after the commit.
    [Fact]
    public Task Explicit_ef_transaction_committed_callback_is_not_a_region() => Verify.VerifyAsync("""
        using System.Data.Common;
        using System.Threading;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore.Diagnostics;

        public record Committed(string Id);

        public class CommitRelay : IDbTransactionInterceptor
        {
            private readonly IPublishEndpoint _bus;
            public CommitRelay(IPublishEndpoint bus) { _bus = bus; }

            Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
                => _bus.Publish(new Committed(eventData.TransactionId.ToString()), cancellationToken);

            async ValueTask<InterceptionResult> IDbTransactionInterceptor.TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken)
            {
                await {|#0:_bus.Publish(new Committed("committing"), cancellationToken)|};
                return result;
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // ---- MassTransit consumers that open their own transaction and publish through their ConsumeContext. A consumer outbox
    // (the in-memory outbox, or the EF Core / MongoDB consumer outbox) holds those messages until the consumer has completed,
    // after its commit; the bus outbox does not capture them, and IBus bypasses both. ----
    private const string ConsumerOutboxPackage = """
        namespace MassTransit
        {
            public interface IStandInEndpointConfigurator { }
            public static class StandInOutboxConfigurationExtensions
            {
                public static void UseInMemoryOutbox(this IStandInEndpointConfigurator configurator) { }
                public static void UseBusOutbox(this IStandInEndpointConfigurator configurator) { }
            }
        }
        """;

    private const string ReserveConsumer = """
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record ReserveStock(int Sku);
        public record StockReserved(int Sku);
        public class WarehouseDb : DbContext { }

        public class ReserveConsumer : IConsumer<ReserveStock>
        {
            private readonly WarehouseDb _db;
            private readonly IBus _bus;
            public ReserveConsumer(WarehouseDb db, IBus bus) { _db = db; _bus = bus; }

            public async Task Consume(ConsumeContext<ReserveStock> context)
            {
                await using var tx = await _db.Database.BeginTransactionAsync(context.CancellationToken);
                await _db.SaveChangesAsync(context.CancellationToken);
                await CONTEXT_PUBLISH;
                await {|#0:_bus.Publish(new StockReserved(-context.Message.Sku))|};
                await tx.CommitAsync(context.CancellationToken);
            }
        }

        public static class Startup
        {
            public static void Configure(IStandInEndpointConfigurator endpoint) => endpoint.CONFIGURE();
        }
        """;

    [Fact]
    public Task Consume_context_publish_with_a_consumer_outbox_is_not_reported_the_bus_is() => StandInLibrary.VerifyAsync(ConsumerOutboxPackage,
        ReserveConsumer.Replace("CONTEXT_PUBLISH", "context.Publish(new StockReserved(context.Message.Sku))").Replace("CONFIGURE", "UseInMemoryOutbox"),
        null, Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Consume_context_publish_with_only_the_bus_outbox_is_reported() => StandInLibrary.VerifyAsync(ConsumerOutboxPackage,
        ReserveConsumer.Replace("CONTEXT_PUBLISH", "{|#1:context.Publish(new StockReserved(context.Message.Sku))|}").Replace("CONFIGURE", "UseBusOutbox"),
        null, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    // ---- Commit and rollback written once in local functions of the method (called from the try and the catch): a call
    // of a local function that commits or rolls back the transaction it captures ends it; a local helper that only logs
    // does not. ----
    private const string LocalCommit = """
        using System;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.Extensions.Logging;
        using Npgsql;

        public record BatchClosed(int Id);

        public class BatchCloser
        {
            private readonly NpgsqlDataSource _source;
            private readonly IPublishEndpoint _bus;
            private readonly ILogger<BatchCloser> _log;
            public BatchCloser(NpgsqlDataSource source, IPublishEndpoint bus, ILogger<BatchCloser> log) { _source = source; _bus = bus; _log = log; }

            public async Task Close(int id)
            {
                await using var conn = await _source.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    await Note("closing");
                    INSIDE
                    await FinishAsync();
                }
                catch (Exception ex)
                {
                    await AbandonAsync(ex);
                    await _bus.Publish(new BatchClosed(-id));
                    throw;
                }

                await _bus.Publish(new BatchClosed(id));

                async Task FinishAsync()
                {
                    await tx.CommitAsync();
                    _log.LogInformation("batch {Id} closed", id);
                }

                async Task AbandonAsync(Exception ex)
                {
                    _log.LogError(ex, "batch {Id} failed", id);
                    await tx.RollbackAsync();
                }

                Task Note(string what)
                {
                    _log.LogInformation("{What} {Id}", what, id);
                    return Task.CompletedTask;
                }
            }
        }
        """;

    [Fact]
    public Task Publish_after_a_local_function_commits_or_rolls_back_is_not_reported() => Verify.VerifyAsync(
        LocalCommit.Replace("INSIDE", ""));

    [Fact]
    public Task Publish_after_a_local_function_that_only_logs_is_reported() => Verify.VerifyAsync(
        LocalCommit.Replace("INSIDE", "await {|#0:_bus.Publish(new BatchClosed(0))|};"),
        Verify.Diagnostic("JS0001"));

    // ---- A unit of work (implemented in another project) with both a database transaction (BeginTransactionAsync /
    // CommitTransactionAsync) and a Redis MULTI it calls a "cache transaction" (BeginCacheTransaction / ExecuteInTransactionCacheAsync
    // / CacheCommitTransactionAsync): only the database pair opens and ends a region. Cart writes queued on the MULTI outside the
    // database transaction are not reported; inside it they are. ----
    private const string CartWork = """
        using System;
        using System.Threading.Tasks;
        using StackExchange.Redis;

        public interface ICartWork
        {
            Task BeginTransactionAsync();
            Task<bool> CommitTransactionAsync();
            Task RollbackTransactionAsync();
            Task<bool> SaveDbChangesAsync();
            void BeginCacheTransaction();
            Task<bool> CacheCommitTransactionAsync();
            Task ExecuteInTransactionCacheAsync(Func<ITransaction, Task> action);
        }

        public class CartService
        {
            private readonly ICartWork _work;
            public CartService(ICartWork work) { _work = work; }

            public async Task<bool> Clear(int user)
            {
                _work.BeginCacheTransaction();
                await _work.ExecuteInTransactionCacheAsync(async queue =>
                {
                    _ = queue.KeyDeleteAsync($"cart:{user}:header");
                    _ = queue.KeyDeleteAsync($"cart:{user}:items");
                    await Task.CompletedTask;
                });
                return await _work.CacheCommitTransactionAsync();
            }

            public async Task<bool> Checkout(int user)
            {
                await _work.BeginTransactionAsync();
                await _work.SaveDbChangesAsync();
                INSIDE
                await _work.CommitTransactionAsync();
                return await Clear(user);
            }
        }
        """;

    [Fact]
    public Task Redis_cache_transaction_of_a_unit_of_work_is_not_a_database_region() => Verify.VerifyAsync(
        CartWork.Replace("INSIDE", ""));

    [Fact]
    public Task Cache_clear_inside_the_units_database_transaction_is_reported() => Verify.VerifyAsync(
        CartWork.Replace("INSIDE", "await {|#0:Clear(user)|};"),
        Verify.Diagnostic("JS0004"));

    // ---- A data-access layer's scope factory with standard options: CreateReadCommitted(TransactionScopeOption option) and
    // wrappers that pass Required, RequiresNew or Suppress. A suppressed scope (to call a web service outside the ambient
    // transaction) opens no transaction at top level, through one wrapper or two; nested in a required scope, the outer scope
    // is still open after the suppressed one is disposed. ----
    private const string ScopeFactory = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public static class ScopeFactory
        {
            public static TransactionScope CreateRoot() => CreateReadCommitted(TransactionScopeOption.RequiresNew);
            public static TransactionScope CreateSuppressed() => CreateReadCommitted(TransactionScopeOption.Suppress);

            public static TransactionScope CreateReadCommitted(TransactionScopeOption option)
            {
                var options = new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted, Timeout = TimeSpan.FromSeconds(60) };
                return new TransactionScope(option, options, TransactionScopeAsyncFlowOption.Enabled);
            }
        }

        public class TrackerSync
        {
            private readonly HttpClient _http;
            public TrackerSync(HttpClient http) { _http = http; }

            public async Task Push(int vehicle)
            {
                using (var scope = ScopeFactory.CreateSuppressed())
                {
                    await _http.PostAsync($"/vehicles/{vehicle}", null);
                    scope.Complete();
                }

                using (var scope = ScopeFactory.CreateReadCommitted(TransactionScopeOption.Suppress))
                {
                    await _http.PostAsync($"/vehicles/{vehicle}/ping", null);
                    scope.Complete();
                }
            }

            public async Task Record(int vehicle)
            {
                using (var root = ScopeFactory.CreateRoot())
                {
                    using (var quiet = ScopeFactory.CreateSuppressed())
                    {
                        quiet.Complete();
                    }

                    await {|#0:_http.PostAsync($"/vehicles/{vehicle}/recorded", null)|};
                    root.Complete();
                }
            }

            public async Task Store(int vehicle)
            {
                using (var scope = ScopeFactory.CreateReadCommitted(TransactionScopeOption.Required))
                {
                    await {|#1:_http.PostAsync($"/vehicles/{vehicle}/stored", null)|};
                    scope.Complete();
                }
            }
        }
        """;

    [Fact]
    public Task Scope_factories_called_with_suppress_open_no_transaction() => Verify.VerifyAsync(ScopeFactory,
        Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));

    // ---- A singleton interceptor implementing both EF interfaces implicitly: it flags the context in SavingChanges, notifies
    // a webhook in SavedChanges only when no transaction is open, and otherwise in TransactionCommitted[Async] (after the
    // commit). A notification from TransactionStarted runs with the transaction open. ----
    [Fact]
    public Task Implicit_interceptor_notifying_after_commit_is_not_reported_on_start_is() => Verify.VerifyAsync("""
        using System.Data.Common;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Diagnostics;

        public sealed class LedgerChangeNotifier : ISaveChangesInterceptor, IDbTransactionInterceptor
        {
            private readonly HttpClient _hook;
            public LedgerChangeNotifier(HttpClient hook) { _hook = hook; }

            public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
                => new(NotifyIfCommittedAsync(eventData.Context).ContinueWith(_ => result));

            public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
                => _hook.PostAsync("/ledger/changed", null, cancellationToken);

            public async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
            {
                await {|#0:_hook.PostAsync("/ledger/started", null, cancellationToken)|};
                return result;
            }

            private async Task NotifyIfCommittedAsync(DbContext? context)
            {
                if (context is null || context.Database.CurrentTransaction is not null) return;
                await _hook.PostAsync("/ledger/changed", null);
            }
        }
        """, Verify.Diagnostic("JS0003"));
}

