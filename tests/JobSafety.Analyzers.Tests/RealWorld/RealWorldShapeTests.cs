using JobSafety.Analyzers.Tests.SideEffects;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Minimal reproductions (own names, own code) of shapes seen in public repositories that mix database
/// transactions with side effects. Each shape has a reported twin and a clean twin.
/// </summary>
public class RealWorldShapeTests
{
    private const string CapEfProvider = """
        // Stand-in for a CAP storage provider's EF Core extension (same namespace, type and signature).
        namespace DotNetCore.CAP
        {
            public static class CapEfTransactionExtensions
            {
                public static Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction BeginTransaction(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database, ICapPublisher publisher, bool autoCommit = false) => throw new System.NotSupportedException();
            }
        }
        """;

    // A CAP helper that opens a plain EF transaction and publishes: the publish is not enlisted.
    [Fact]
    public Task Cap_publish_in_plain_ef_transaction_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using DotNetCore.CAP;
        using Microsoft.EntityFrameworkCore;

        public class ShopContext : DbContext { }

        public class EventHelper
        {
            private readonly ICapPublisher _bus;
            private readonly ShopContext _db;
            public EventHelper(ICapPublisher bus, ShopContext db) { _bus = bus; _db = db; }

            public async Task RaiseAsync<T>(string name, T payload)
            {
                using var tx = await _db.Database.BeginTransactionAsync();
                await {|#0:_bus.PublishAsync(name, payload)|};
                tx.Commit();
                await _bus.PublishAsync(name + ".done", payload);
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A unit-of-work class whose Begin hands the CAP publisher to the EF transaction and keeps it in a
    // field; callers publish through a source event bus between Begin and Commit.
    private const string CapUnitOfWork = """
        using System;
        using System.Threading.Tasks;
        using DotNetCore.CAP;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class ShopContext : DbContext { }

        public interface IWork : IDisposable
        {
            IWork Begin();
            void Commit();
        }

        public abstract class WorkBase<TContext> : IWork where TContext : DbContext
        {
            private IDbContextTransaction? _current;
            private readonly TContext _context;
            private readonly ICapPublisher _publisher;
            protected WorkBase(TContext context, ICapPublisher publisher) { _context = context; _publisher = publisher; }
            public IWork Begin()
            {
                _current = _context.Database.BeginTransaction(ENLIST);
                return this;
            }

            public void Commit() => _current!.Commit();
            public void Dispose() { }
        }

        public sealed class ShopWork : WorkBase<ShopContext>
        {
            public ShopWork(ShopContext context, ICapPublisher publisher) : base(context, publisher) { }
        }

        public interface IEvents { Task RaiseAsync(string name, object payload); }

        public sealed class CapEvents : IEvents
        {
            private readonly ICapPublisher _publisher;
            public CapEvents(ICapPublisher publisher) => _publisher = publisher;
            public Task RaiseAsync(string name, object payload) => _publisher.PublishAsync(name, payload);
        }

        public class PlaceOrder
        {
            private readonly IWork _work;
            private readonly IEvents _events;
            public PlaceOrder(IWork work, IEvents events) { _work = work; _events = events; }

            public async Task RunAsync(int id)
            {
                using (var unit = _work.Begin())
                {
                    await MARK_START_events.RaiseAsync("order.placed", id)MARK_END;
                    unit.Commit();
                }
            }
        }
        """;

    [Fact]
    public Task Cap_publish_inside_a_unit_of_work_that_enlists_the_publisher_is_not_reported() => StandInLibrary.VerifyAsync(
        CapEfProvider,
        CapUnitOfWork.Replace("ENLIST", "_publisher, autoCommit: false").Replace("MARK_START", "").Replace("MARK_END", ""),
        null);

    [Fact]
    public Task Cap_publish_inside_a_unit_of_work_without_the_publisher_is_reported() => StandInLibrary.VerifyAsync(
        CapEfProvider,
        CapUnitOfWork.Replace("ENLIST", "").Replace("MARK_START", "{|#0:").Replace("MARK_END", "|}"),
        null,
        Verify.Diagnostic("JS0001"));

    // An endpoint filter that begins on the DatabaseFacade and commits through it.
    [Fact]
    public Task Database_facade_commit_transaction_ends_the_region() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }

        public sealed class WrapInTransaction
        {
            private readonly AppDb _db;
            private readonly HttpClient _http;
            public WrapInTransaction(AppDb db, HttpClient http) { _db = db; _http = http; }

            public async Task<object?> InvokeAsync(Func<Task<object?>> next)
            {
                await _db.Database.BeginTransactionAsync();
                try
                {
                    await {|#0:_http.GetAsync("https://audit.invalid/begin")|};
                    var result = await next();
                    await _db.Database.CommitTransactionAsync();
                    await _http.GetAsync("https://audit.invalid/done");
                    return result;
                }
                catch
                {
                    await _db.Database.RollbackTransactionAsync();
                    await _http.GetAsync("https://audit.invalid/failed");
                    throw;
                }
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // MassTransit consumer: ConsumeContext.Publish inside an EF transaction, and after the commit.
    [Fact]
    public Task Consume_context_publish_inside_ef_transaction_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record OrderSubmitted(int Id);
        public record OrderAccepted(int Id);
        public class OrdersDb : DbContext { }

        public class SubmitConsumer : IConsumer<OrderSubmitted>
        {
            private readonly OrdersDb _db;
            public SubmitConsumer(OrdersDb db) => _db = db;

            public async Task Consume(ConsumeContext<OrderSubmitted> context)
            {
                await using var tx = await _db.Database.BeginTransactionAsync(context.CancellationToken);
                await _db.SaveChangesAsync(context.CancellationToken);
                await {|#0:context.Publish(new OrderAccepted(context.Message.Id))|};
                await tx.CommitAsync(context.CancellationToken);
                await context.Publish(new OrderAccepted(-context.Message.Id));
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // Hangfire client injected through a primary constructor, EF transaction with a using declaration.
    [Fact]
    public Task Primary_constructor_controller_enqueue_inside_transaction() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class BillingDb : DbContext { }
        public class Mailer { public Task Receipt(int id) => Task.CompletedTask; }

        public class InvoiceController(BillingDb db, IBackgroundJobClient jobs)
        {
            public async Task<int> Pay(int id)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                {|#0:jobs.Enqueue<Mailer>(m => m.Receipt(id))|};
                await tx.CommitAsync();
                return id;
            }

            public async Task<int> PayThenNotify(int id)
            {
                await using (var tx = await db.Database.BeginTransactionAsync())
                {
                    await db.SaveChangesAsync();
                    await tx.CommitAsync();
                }

                jobs.Enqueue<Mailer>(m => m.Receipt(id));
                return id;
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // Local functions run where they are invoked: called inside the region, the call in its body is reported; called only after commit, nothing.
    [Fact]
    public Task Local_function_called_inside_and_after_the_region() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class Sync
        {
            public async Task Run(NpgsqlConnection conn, HttpClient http)
            {
                async Task Ping(string what) => await {|#0:http.PostAsync("https://hooks.invalid/" + what, null)|};

                await using var tx = await conn.BeginTransactionAsync();
                await Ping("during");
                await tx.CommitAsync();
                await Ping("after");
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // await foreach over a stream inside the transaction, publishing for each row.
    [Fact]
    public Task Await_foreach_inside_transaction() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MassTransit;
        using Npgsql;

        public record RowChanged(int Id);

        public class Exporter
        {
            public async Task Run(NpgsqlConnection conn, IPublishEndpoint bus, IAsyncEnumerable<int> rows)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await foreach (var id in rows)
                {
                    await {|#0:bus.Publish(new RowChanged(id))|};
                }

                await tx.CommitAsync();
                await foreach (var id in rows)
                {
                    await bus.Publish(new RowChanged(-id));
                }
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // using declaration inside a switch section: the region ends with the section.
    [Fact]
    public Task Using_declaration_in_switch_section() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Distributed;
        using Npgsql;

        public class Handler
        {
            public async Task Run(NpgsqlConnection conn, IDistributedCache cache, int kind)
            {
                switch (kind)
                {
                    case 1:
                        using (var tx = conn.BeginTransaction())
                        {
                            await {|#0:cache.RemoveAsync("k1")|};
                        }

                        await cache.RemoveAsync("k1b");
                        break;
                    case 2:
                    {
                        using var tx = conn.BeginTransaction();
                        await {|#1:cache.RemoveAsync("k2")|};
                        tx.Commit();
                        break;
                    }
                }

                await cache.RemoveAsync("after");
            }
        }
        """, Verify.Diagnostic("JS0004", 0), Verify.Diagnostic("JS0004", 1));

    // Unit of work whose BeginTransaction() returns void and stores the transaction; SaveChangesAsync is not a commit.
    [Fact]
    public Task Void_begin_unit_of_work_save_changes_is_not_a_commit() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;
        using Microsoft.Extensions.Caching.Distributed;

        public class CatalogDb : DbContext { }

        public interface IUnitOfWork
        {
            void BeginTransaction();
            Task<int> SaveChangesAsync(CancellationToken ct = default);
            Task CommitAsync(CancellationToken ct = default);
        }

        public class UnitOfWork : IUnitOfWork
        {
            private readonly CatalogDb _db;
            private IDbContextTransaction? _tx;
            public UnitOfWork(CatalogDb db) => _db = db;
            public void BeginTransaction() => _tx = _db.Database.BeginTransaction();
            public Task<int> SaveChangesAsync(CancellationToken ct = default) => _db.SaveChangesAsync(ct);
            public async Task CommitAsync(CancellationToken ct = default)
            {
                await _db.SaveChangesAsync(ct);
                await _tx!.CommitAsync(ct);
            }
        }

        public class RenameProduct
        {
            private readonly IUnitOfWork _uow;
            private readonly IDistributedCache _cache;
            public RenameProduct(IUnitOfWork uow, IDistributedCache cache) { _uow = uow; _cache = cache; }

            public async Task Handle(int id)
            {
                _uow.BeginTransaction();
                await _uow.SaveChangesAsync();
                await {|#0:_cache.RemoveAsync("product:" + id)|};
                await _uow.CommitAsync();
                await _cache.RemoveAsync("products");
            }

            public async Task HandleWithoutTransaction(int id)
            {
                await _uow.SaveChangesAsync();
                await _cache.RemoveAsync("product:" + id);
            }
        }
        """, Verify.Diagnostic("JS0004"));

    // [UnitOfWork]-style attributes are not regions.
    [Fact]
    public Task Unit_of_work_attribute_is_not_a_region() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Hangfire;

        [AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
        public sealed class UnitOfWorkAttribute : Attribute { public bool IsTransactional { get; set; } = true; }

        public class Jobs { public static void Run(int id) { } }

        public class OrderAppService
        {
            [UnitOfWork(IsTransactional = true)]
            public virtual Task Create(int id)
            {
                BackgroundJob.Enqueue(() => Jobs.Run(id));
                return Task.CompletedTask;
            }
        }
        """);

    // Dapper-style repositories taking the caller's transaction and calling each other.
    [Fact]
    public Task Repository_with_transaction_parameter_calling_another_repository() => Verify.VerifyAsync("""
        using System.Data;
        using System.Threading.Tasks;
        using Dapper;
        using StackExchange.Redis;

        public class AuditRepository
        {
            public Task Write(IDbTransaction tx, string what) =>
                tx.Connection!.ExecuteAsync("insert into audit(what) values (@what)", new { what }, tx);
        }

        public class StockRepository
        {
            private readonly AuditRepository _audit = new();
            private readonly IDatabase _redis;
            public StockRepository(IDatabase redis) => _redis = redis;

            public async Task Reserve(IDbTransaction tx, int sku)
            {
                await tx.Connection!.ExecuteAsync("update stock set n = n - 1 where sku = @sku", new { sku }, tx);
                await _audit.Write(tx, "reserve");
                await {|#0:_redis.StringIncrementAsync("stock:" + sku, -1)|};
            }

            public async Task Read(IDbConnection conn, int sku) =>
                await _redis.StringGetAsync("stock:" + sku);
        }
        """, Verify.Diagnostic("JS0004"));

    // Execution strategy with an async lambda that begins and commits; publish after the lambda's commit.
    [Fact]
    public Task Execution_strategy_async_lambda() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record Paid(int Id);
        public class PayDb : DbContext { }

        public class PaymentService(PayDb db, IPublishEndpoint publish)
        {
            public async Task Pay(int id)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    await db.SaveChangesAsync();
                    await {|#0:publish.Publish(new Paid(id))|};
                    await tx.CommitAsync();
                    await publish.Publish(new Paid(-id));
                });
                await publish.Publish(new Paid(0));
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // Partial class: the transaction in one part, the helper that mails in the other.
    [Fact]
    public Task Partial_class_helper_in_another_part() => Verify.VerifyAsync("""
        using System.Net.Mail;
        using System.Threading.Tasks;
        using Npgsql;

        public partial class Signup
        {
            private readonly SmtpClient _smtp = new("localhost");

            public async Task Register(NpgsqlConnection conn, string email)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:Welcome(email)|};
                await tx.CommitAsync();
                await Welcome(email);
            }
        }

        public partial class Signup
        {
            private Task Welcome(string email) => _smtp.SendMailAsync("noreply@example.invalid", email, "Welcome", "Hi");
        }
        """, Verify.Diagnostic("JS0002"));

    // A helper that runs a callback inside its own transaction: the lambda body at the call is a region.
    [Fact]
    public Task Within_transaction_helper_runs_the_lambda_inside() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record Landed(int Id);
        public class SpaceDb : DbContext { }

        public static class SpaceDbExtensions
        {
            public static async Task<T> InTransaction<T>(this SpaceDb db, Func<SpaceDb, Task<T>> work)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                var result = await work(db);
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                return result;
            }
        }

        public class Mission(SpaceDb db, IPublishEndpoint bus)
        {
            public async Task<int> Land(int id)
            {
                var n = await db.InTransaction(async d =>
                {
                    await {|#0:bus.Publish(new Landed(id))|};
                    return id;
                });
                await bus.Publish(new Landed(n));
                return n;
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // Test fixtures that wrap every test in a TransactionScope held in a field: the test methods open no region.
    [Fact]
    public Task Test_fixture_scope_in_constructor_does_not_make_tests_regions() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public sealed class ApiTests : IDisposable
        {
            private readonly TransactionScope _scope = new(TransactionScopeAsyncFlowOption.Enabled);
            private readonly HttpClient _client = new();

            public async Task Creates_order()
            {
                var response = await _client.PostAsync("http://localhost/orders", null);
                response.EnsureSuccessStatusCode();
            }

            public void Dispose() => _scope.Dispose();
        }
        """);

    // Redis MULTI/EXEC inside a DB transaction: the writes queued on the Redis transaction still run in the region.
    [Fact]
    public Task Redis_transaction_is_not_a_region_but_its_execute_is_in_the_db_region() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Npgsql;
        using StackExchange.Redis;

        public class Counter
        {
            public async Task Bump(IDatabase redis)
            {
                var batch = redis.CreateTransaction();
                _ = batch.StringIncrementAsync("a");
                await batch.ExecuteAsync();
            }

            public async Task BumpInTx(NpgsqlConnection conn, IDatabase redis)
            {
                using var tx = conn.BeginTransaction();
                await {|#0:redis.StringSetAsync("a", 1)|};
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0004"));
}

public class RealWorldMassTransitTransactionalBusTests
{
    private const string TransactionalBus = """
        // Stand-in for MassTransit's transactional enlistment bus (MassTransit package, not restorable here).
        namespace MassTransit.Transactions
        {
            public interface ITransactionalBus : MassTransit.IBus
            {
                System.Threading.Tasks.Task Release();
            }
        }
        """;

    private const string Source = """
        using System.Threading.Tasks;
        using System.Transactions;
        using MassTransit;
        using MassTransit.Transactions;
        using Npgsql;

        public record Shipped(int Id);

        public class Shipping
        {
            public async Task InScope(ITransactionalBus bus, IBus plain, int id)
            {
                using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                {
                    await bus.Publish(new Shipped(id));
                    await {|#0:plain.Publish(new Shipped(id))|};
                    scope.Complete();
                }
            }

            public async Task InDbTransaction(NpgsqlConnection conn, ITransactionalBus bus, int id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#1:bus.Publish(new Shipped(id))|};
                await tx.CommitAsync();
            }
        }
        """;

    // Publishes on MassTransit's transactional bus are released when the ambient TransactionScope commits;
    // a plain IBus in the same scope, and the transactional bus inside a DbTransaction (no ambient transaction), publish at once.
    [Fact]
    public Task Transactional_bus_inside_transaction_scope_is_not_reported() => StandInLibrary.VerifyAsync(
        TransactionalBus, Source, null, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));
}

public class RealWorldMoreShapesTests
{
    // Top-level statements (a console tool seeding data and notifying).
    [Fact]
    public async Task Top_level_statements_program()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            using Npgsql;

            await using var conn = new NpgsqlConnection("Host=localhost");
            await conn.OpenAsync();
            using var http = new HttpClient();
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await {|#0:http.GetAsync("https://example.invalid/seeding")|};
                await tx.CommitAsync();
            }

            await http.GetAsync("https://example.invalid/seeded");
            """);
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003"));
        await test.RunAsync(CancellationToken.None);
    }

    // try { ...; Commit } catch { Rollback; throw } then publish: only reachable after commit.
    [Fact]
    public Task Publish_after_try_commit_catch_rollback_rethrow_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Confluent.Kafka;
        using Npgsql;

        public class Transfers
        {
            private readonly IProducer<string, string> _producer;
            public Transfers(IProducer<string, string> producer) => _producer = producer;

            public async Task Move(NpgsqlConnection conn, string id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    await using var cmd = new NpgsqlCommand("update accounts set balance = balance - 1", conn, tx);
                    await cmd.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }
                catch
                {
                    await tx.RollbackAsync();
                    throw;
                }

                await _producer.ProduceAsync("transfers", new Message<string, string> { Key = id, Value = "moved" });
            }

            public async Task MoveAndSwallow(NpgsqlConnection conn, string id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    await {|#0:_producer.ProduceAsync("transfers", new Message<string, string> { Key = id, Value = "moving" })|};
                    await tx.CommitAsync();
                }
                catch
                {
                    await tx.RollbackAsync();
                }
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A helper taking the EF transaction sends mail with MailKit: the whole body is inside the caller's transaction.
    [Fact]
    public Task Helper_with_db_context_transaction_parameter_sends_mail() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using MailKit.Net.Smtp;
        using Microsoft.EntityFrameworkCore.Storage;
        using MimeKit;

        public class Notifier
        {
            private readonly SmtpClient _smtp = new();

            public async Task Confirm(IDbContextTransaction tx, MimeMessage message)
            {
                await {|#0:_smtp.SendAsync(message)|};
            }

            public async Task ConfirmLater(IDbContextTransaction? tx = null, MimeMessage? message = null)
            {
                await _smtp.SendAsync(message!);
            }
        }
        """, Verify.Diagnostic("JS0002"));

    // A no-op IEmailSender-like fake in the same project, used in a transaction: source, judged by its body.
    [Fact]
    public Task Source_fake_mail_sender_inside_transaction_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Npgsql;

        public interface IMailer { Task SendAsync(string to, string body); }
        public sealed class NullMailer : IMailer { public Task SendAsync(string to, string body) => Task.CompletedTask; }

        public class Register
        {
            private readonly IMailer _mailer;
            public Register(IMailer mailer) => _mailer = mailer;

            public async Task Run(NpgsqlConnection conn)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await _mailer.SendAsync("a@example.invalid", "hi");
                await tx.CommitAsync();
            }
        }
        """);

    // RabbitMQ channel transactions are broker-side: inside a DB transaction the publish is still reported.
    [Fact]
    public Task Rabbit_channel_publish_inside_db_transaction_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Npgsql;
        using RabbitMQ.Client;

        public class Relay
        {
            public async Task Forward(NpgsqlConnection conn, IChannel channel, byte[] body)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:channel.BasicPublishAsync("", "orders", body)|};
                await tx.CommitAsync();
                await channel.BasicPublishAsync("", "orders.done", body);
            }
        }
        """, Verify.Diagnostic("JS0001"));
}

public class RealWorldPipelineBehaviourTests
{
    // A request pipeline step (mediator behaviour): DbContext subclass with its own Begin/Commit(transaction)
    // methods, inside an execution strategy; integration events go out through a source RabbitMQ bus after the commit.
    private const string Source = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;
        using RabbitMQ.Client;

        public class SalesContext : DbContext
        {
            private IDbContextTransaction? _current;

            public async Task<IDbContextTransaction?> StartAsync()
            {
                if (_current is not null) return null;
                _current = await Database.BeginTransactionAsync();
                return _current;
            }

            public async Task FinishAsync(IDbContextTransaction transaction)
            {
                if (transaction != _current) throw new InvalidOperationException();
                try
                {
                    await SaveChangesAsync();
                    await transaction.CommitAsync();
                }
                catch
                {
                    _current?.Rollback();
                    throw;
                }
                finally
                {
                    _current?.Dispose();
                    _current = null;
                }
            }
        }

        public interface IEventBus { Task Publish(string name, byte[] body); }

        public sealed class RabbitEventBus : IEventBus
        {
            private readonly IChannel _channel;
            public RabbitEventBus(IChannel channel) => _channel = channel;
            public async Task Publish(string name, byte[] body) => await _channel.BasicPublishAsync("events", name, body);
        }

        public class IntegrationEvents
        {
            private readonly IEventBus _bus;
            public IntegrationEvents(IEventBus bus) => _bus = bus;
            public async Task FlushAsync(Guid id) => await _bus.Publish("sales." + id, Array.Empty<byte>());
        }

        public class TransactionStep<TResponse>
        {
            private readonly SalesContext _db;
            private readonly IntegrationEvents _events;
            public TransactionStep(SalesContext db, IntegrationEvents events) { _db = db; _events = events; }

            public async Task<TResponse> Handle(Func<Task<TResponse>> next)
            {
                TResponse response = default!;
                var strategy = _db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var transaction = await _db.StartAsync();
                    response = await next();
                    EARLY
                    await _db.FinishAsync(transaction!);
                    await _events.FlushAsync(Guid.Empty);
                });
                return response;
            }
        }
        """;

    [Fact]
    public Task Integration_events_published_after_the_pipeline_commits_are_not_reported() =>
        Verify.VerifyAsync(Source.Replace("EARLY", ""));

    [Fact]
    public Task Integration_events_published_before_the_pipeline_commits_are_reported() =>
        Verify.VerifyAsync(Source.Replace("EARLY", "await {|#0:_events.FlushAsync(Guid.NewGuid())|};"), Verify.Diagnostic("JS0001"));
}
