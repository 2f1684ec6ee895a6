using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Second batch of minimal reproductions (own names, own code) of real-world shapes mixing database
/// transactions with side effects. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests2
{
    // A MediatR-style pipeline behaviour: TransactionScope around `await next()` (a delegate type
    // parameter, invoked, never a lambda here). The invocation is not a side effect; a job enqueued after
    // Complete() but inside the using is still in the region (RULES), one after the block is not.
    private const string ScopeBehaviour = """
        using System;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;

        public delegate Task<TResponse> HandlerDelegate<TResponse>();

        public class ScopeBehaviour<TResponse>
        {
            private readonly IBackgroundJobClient _jobs;
            public ScopeBehaviour(IBackgroundJobClient jobs) { _jobs = jobs; }

            public async Task<TResponse> Handle(object request, HandlerDelegate<TResponse> next)
            {
                using (var scope = new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled))
                {
                    var response = await next();
                    scope.Complete();
                    INSIDE
                }
                AFTER
            }
        }
        """;

    [Fact]
    public Task Behaviour_enqueue_after_complete_inside_the_using_is_reported() => Verify.VerifyAsync(
        ScopeBehaviour.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => Console.WriteLine(\"audit\"))|}; return response;").Replace("AFTER", ""),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Behaviour_enqueue_after_the_scope_block_is_not_reported() => Verify.VerifyAsync(
        ScopeBehaviour.Replace("INSIDE", "").Replace("AFTER", "_jobs.Enqueue(() => Console.WriteLine(\"audit\")); return default!;"));

    // The handler the behaviour wraps is resolved by DI: nothing at any call site is a lambda, so the
    // handler's own publish (no transaction in its body) is not reported — conservative.
    [Fact]
    public Task Handler_behind_a_transaction_behaviour_is_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using System.Transactions;
        using MassTransit;

        public delegate Task<TResponse> HandlerDelegate<TResponse>();
        public interface IHandler<TRequest, TResponse> { Task<TResponse> Handle(TRequest request); }

        public class TxBehaviour<TRequest, TResponse>
        {
            public async Task<TResponse> Handle(TRequest request, HandlerDelegate<TResponse> next)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                var result = await next();
                scope.Complete();
                return result;
            }
        }

        public record PlaceOrder(int Id);
        public record OrderPlaced(int Id);

        public class PlaceOrderHandler : IHandler<PlaceOrder, int>
        {
            private readonly IPublishEndpoint _bus;
            public PlaceOrderHandler(IPublishEndpoint bus) { _bus = bus; }
            public async Task<int> Handle(PlaceOrder request)
            {
                await _bus.Publish(new OrderPlaced(request.Id));
                return request.Id;
            }
        }
        """);

    // A scheduler decorator that defers the enqueue to TransactionCompleted when an ambient transaction
    // exists. Called inside a TransactionScope, the enqueue runs after the transaction: not reported.
    private const string OnCommitScheduler = """
        using System;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;

        public interface IJobScheduler { string Enqueue<T>(Expression<Func<T, Task>> call); }

        public class OnCommitScheduler : IJobScheduler
        {
            private readonly IBackgroundJobClient _client;
            public OnCommitScheduler(IBackgroundJobClient client) { _client = client; }

            public string Enqueue<T>(Expression<Func<T, Task>> call)
            {
                var ambient = Transaction.Current;
                if (ambient is null)
                {
                    throw new InvalidOperationException("an ambient transaction is required");
                }
                var id = Guid.NewGuid().ToString();
                ambient.TransactionCompleted += (_, e) =>
                {
                    if (e.Transaction!.TransactionInformation.Status == TransactionStatus.Committed)
                        _client.Enqueue(call);
                };
                return id;
            }
        }

        public class Mailer { public Task SendWelcome(int id) => Task.CompletedTask; }

        public class Signup
        {
            private readonly IJobScheduler _scheduler;
            private readonly IBackgroundJobClient _client;
            public Signup(IJobScheduler scheduler, IBackgroundJobClient client) { _scheduler = scheduler; _client = client; }

            public void Register(int id)
            {
                using var scope = new TransactionScope();
                CALL
                scope.Complete();
            }
        }
        """;

    [Fact]
    public Task Scheduler_deferring_to_transaction_completed_is_not_reported() => Verify.VerifyAsync(
        OnCommitScheduler.Replace("CALL", "_scheduler.Enqueue<Mailer>(m => m.SendWelcome(id));"));

    [Fact]
    public Task Direct_enqueue_beside_the_deferring_scheduler_is_reported() => Verify.VerifyAsync(
        OnCommitScheduler.Replace("CALL", "{|#0:_client.Enqueue<Mailer>(m => m.SendWelcome(id))|};"),
        Verify.Diagnostic("JS0001"));

    // A transaction wrapper class holding the EF transaction it is given; Commit through the wrapper ends
    // the region.
    private const string WrapperTransaction = """
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class AppDb : DbContext { }

        public sealed class EfTx : System.IDisposable
        {
            private readonly IDbContextTransaction _inner;
            public EfTx(IDbContextTransaction inner) { _inner = inner; }
            public Task CommitAsync() => _inner.CommitAsync();
            public Task RollbackAsync() => _inner.RollbackAsync();
            public void Dispose() => _inner.Dispose();
        }

        public record Shipped(int Id);

        public class ShippingService
        {
            private readonly AppDb _db;
            private readonly IPublishEndpoint _bus;
            public ShippingService(AppDb db, IPublishEndpoint bus) { _db = db; _bus = bus; }

            public async Task Ship(int id)
            {
                using var tx = new EfTx(await _db.Database.BeginTransactionAsync());
                await _db.SaveChangesAsync();
                BEFORE
                await tx.CommitAsync();
                AFTER
            }
        }
        """;

    [Fact]
    public Task Publish_before_commit_through_a_wrapper_is_reported() => Verify.VerifyAsync(
        WrapperTransaction.Replace("BEFORE", "await {|#0:_bus.Publish(new Shipped(id))|};").Replace("AFTER", ""),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Publish_after_commit_through_a_wrapper_is_not_reported() => Verify.VerifyAsync(
        WrapperTransaction.Replace("BEFORE", "").Replace("AFTER", "await _bus.Publish(new Shipped(id));"));

    // A Dapper unit of work (interface with one implementation) keeping the IDbTransaction in a property;
    // repositories read it. Begin opens, Commit ends.
    private const string DapperUnitOfWork = """
        using System.Data;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.Extensions.Caching.Distributed;

        public interface IUnitOfWork
        {
            IDbConnection Connection { get; }
            IDbTransaction? Transaction { get; }
            void Begin();
            void Commit();
            void Rollback();
        }

        public sealed class UnitOfWork : IUnitOfWork
        {
            public UnitOfWork(IDbConnection connection) { Connection = connection; }
            public IDbConnection Connection { get; }
            public IDbTransaction? Transaction { get; private set; }
            public void Begin() { Connection.Open(); Transaction = Connection.BeginTransaction(); }
            public void Commit() { Transaction!.Commit(); Transaction.Dispose(); Transaction = null; }
            public void Rollback() { Transaction!.Rollback(); Transaction.Dispose(); Transaction = null; }
        }

        public class PriceRepository
        {
            private readonly IUnitOfWork _uow;
            public PriceRepository(IUnitOfWork uow) { _uow = uow; }
            public Task Update(int sku, decimal price) =>
                _uow.Connection.ExecuteAsync("update prices set price = @price where sku = @sku", new { sku, price }, _uow.Transaction);
        }

        public class PriceService
        {
            private readonly IUnitOfWork _uow;
            private readonly PriceRepository _prices;
            private readonly IDistributedCache _cache;
            public PriceService(IUnitOfWork uow, PriceRepository prices, IDistributedCache cache) { _uow = uow; _prices = prices; _cache = cache; }

            public async Task Change(int sku, decimal price)
            {
                _uow.Begin();
                try
                {
                    await _prices.Update(sku, price);
                    BEFORE
                    _uow.Commit();
                }
                catch
                {
                    _uow.Rollback();
                    throw;
                }
                AFTER
            }
        }
        """;

    [Fact]
    public Task Cache_invalidation_inside_a_dapper_unit_of_work_is_reported() => Verify.VerifyAsync(
        DapperUnitOfWork.Replace("BEFORE", "await {|#0:_cache.RemoveAsync(\"price:\" + sku)|};").Replace("AFTER", ""),
        Verify.Diagnostic("JS0004"));

    [Fact]
    public Task Cache_invalidation_after_a_dapper_unit_of_work_commits_is_not_reported() => Verify.VerifyAsync(
        DapperUnitOfWork.Replace("BEFORE", "").Replace("AFTER", "await _cache.RemoveAsync(\"price:\" + sku);"));

    // A Dapper outbox writer taking the transaction: a database write, never reported; a repository method
    // with an IDbTransaction parameter that also calls a typed HTTP client is (whole body is a region).
    [Fact]
    public Task Dapper_outbox_writer_with_transaction_parameter_is_not_reported_but_http_is() => Verify.VerifyAsync("""
        using System.Data;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Dapper;

        public class OutboxWriter
        {
            public Task Add(IDbConnection conn, string type, string payload, IDbTransaction tx) =>
                conn.ExecuteAsync("insert into outbox(type, payload) values (@type, @payload)", new { type, payload }, tx);
        }

        public class FraudClient
        {
            private readonly HttpClient _http;
            public FraudClient(HttpClient http) { _http = http; }
            public Task<HttpResponseMessage> Check(int id) => _http.GetAsync("https://fraud.invalid/" + id);
        }

        public class PaymentRepository
        {
            private readonly OutboxWriter _outbox;
            private readonly FraudClient _fraud;
            public PaymentRepository(OutboxWriter outbox, FraudClient fraud) { _outbox = outbox; _fraud = fraud; }

            public async Task Save(IDbConnection conn, int id, IDbTransaction tx)
            {
                await conn.ExecuteAsync("insert into payments(id) values (@id)", new { id }, tx);
                await _outbox.Add(conn, "PaymentSaved", "{}", tx);
                await {|#0:_fraud.Check(id)|};
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // IHttpClientFactory: a named client created and called inside an EF transaction.
    [Fact]
    public Task Http_client_factory_call_inside_ef_transaction_is_reported() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }
        public interface IClientFactory { HttpClient CreateClient(string name); }

        public class WebhookService
        {
            private readonly AppDb _db;
            private readonly IClientFactory _factory;
            public WebhookService(AppDb db, IClientFactory factory) { _db = db; _factory = factory; }

            public async Task Deliver(int id)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                var client = _factory.CreateClient("hooks");
                await {|#0:client.PostAsync("https://hooks.invalid/" + id, null)|};
                await _db.SaveChangesAsync();
                await tx.CommitAsync();
                await client.PostAsync("https://hooks.invalid/done/" + id, null);
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // Quartz: scheduling a job while a raw connection transaction is open; after commit is fine.
    [Fact]
    public Task Quartz_schedule_inside_transaction_is_reported_after_commit_is_not() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Npgsql;
        using Quartz;

        public class ReportRequests
        {
            private readonly IScheduler _scheduler;
            public ReportRequests(IScheduler scheduler) { _scheduler = scheduler; }

            public async Task Request(NpgsqlConnection conn, IJobDetail job, string id)
            {
                var trigger = TriggerBuilder.Create().StartNow().Build();
                await using (var tx = await conn.BeginTransactionAsync())
                {
                    await {|#0:_scheduler.ScheduleJob(job, trigger)|};
                    await tx.CommitAsync();
                }
                await _scheduler.TriggerJob(new JobKey(id));
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A helper that commits and then invokes its callback: the caller's lambda runs after commit.
    private const string AfterCommitHelper = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using StackExchange.Redis;

        public class AppDb : DbContext { }

        public class TxRunner
        {
            private readonly AppDb _db;
            public TxRunner(AppDb db) { _db = db; }

            public async Task Run(Func<Task> work, Func<Task> onCommitted)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await work();
                await _db.SaveChangesAsync();
                await tx.CommitAsync();
                await onCommitted();
            }
        }

        public class Counter
        {
            private readonly TxRunner _runner;
            private readonly IDatabase _redis;
            public Counter(TxRunner runner, IDatabase redis) { _runner = runner; _redis = redis; }

            public Task Bump(string key) => _runner.Run(
                WORK,
                COMMITTED);
        }
        """;

    [Fact]
    public Task Callback_invoked_after_the_helper_commits_is_not_reported() => Verify.VerifyAsync(
        AfterCommitHelper.Replace("WORK", "() => Task.CompletedTask").Replace("COMMITTED", "() => _redis.StringSetAsync(key, 1)"));

    [Fact]
    public Task Callback_invoked_inside_the_helper_transaction_is_reported() => Verify.VerifyAsync(
        AfterCommitHelper.Replace("WORK", "() => {|#0:_redis.StringSetAsync(key, 1)|}").Replace("COMMITTED", "() => Task.CompletedTask"),
        Verify.Diagnostic("JS0004"));

    // An execution strategy with no transaction inside: not a region.
    [Fact]
    public Task Execution_strategy_without_transaction_is_not_a_region() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Caching.Distributed;

        public class AppDb : DbContext { }

        public class Catalog
        {
            private readonly AppDb _db;
            private readonly IDistributedCache _cache;
            public Catalog(AppDb db, IDistributedCache cache) { _db = db; _cache = cache; }

            public Task Rename(int id) => _db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await _db.SaveChangesAsync();
                await _cache.RemoveAsync("product:" + id);
            });
        }
        """);

    // A scheduler that enqueues at once when there is no ambient transaction and defers otherwise.
    // Inside a TransactionScope the direct branch cannot run.
    private const string AmbientAwareScheduler = """
        using System;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;
        using Npgsql;

        public class Jobs
        {
            private readonly IBackgroundJobClient _client;
            public Jobs(IBackgroundJobClient client) { _client = client; }

            public void Enqueue<T>(Expression<Func<T, Task>> call)
            {
                if (Transaction.Current is null)
                {
                    _client.Enqueue(call);
                    return;
                }
                Transaction.Current.TransactionCompleted += (_, e) => _client.Enqueue(call);
            }
        }

        public class Mailer { public Task SendWelcome(int id) => Task.CompletedTask; }

        public class Signup
        {
            private readonly Jobs _jobs;
            public Signup(Jobs jobs) { _jobs = jobs; }

            BODY
        }
        """;

    [Fact]
    public Task Ambient_aware_scheduler_inside_a_scope_is_not_reported() => Verify.VerifyAsync(
        AmbientAwareScheduler.Replace("BODY", """
            public void Register(int id)
            {
                using var scope = new TransactionScope();
                _jobs.Enqueue<Mailer>(m => m.SendWelcome(id));
                scope.Complete();
            }
            """));

    [Fact]
    public Task Ambient_aware_scheduler_inside_a_db_transaction_is_reported() => Verify.VerifyAsync(
        AmbientAwareScheduler.Replace("BODY", """
            public void Register(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                {|#0:_jobs.Enqueue<Mailer>(m => m.SendWelcome(id))|};
                tx.Commit();
            }
            """),
        Verify.Diagnostic("JS0001"));

    // The same scheduler written with an early return: the enqueue after the guard runs only without an
    // ambient transaction.
    [Fact]
    public Task Ambient_aware_scheduler_with_early_return_inside_a_scope_is_not_reported() => Verify.VerifyAsync(
        AmbientAwareScheduler.Replace("""
                if (Transaction.Current is null)
                {
                    _client.Enqueue(call);
                    return;
                }
                Transaction.Current.TransactionCompleted += (_, e) => _client.Enqueue(call);
            """, """
                var ambient = Transaction.Current;
                if (ambient != null)
                {
                    ambient.TransactionCompleted += (_, e) => _client.Enqueue(call);
                    return;
                }
                _client.Enqueue(call);
            """).Replace("BODY", """
            public void Register(int id)
            {
                using var scope = new TransactionScope();
                _jobs.Enqueue<Mailer>(m => m.SendWelcome(id));
                scope.Complete();
            }
            """));

    // A scheduler that tests the ambient transaction but enqueues at once on both branches is reported.
    [Fact]
    public Task Scheduler_enqueuing_on_both_branches_inside_a_scope_is_reported() => Verify.VerifyAsync(
        AmbientAwareScheduler.Replace("Transaction.Current.TransactionCompleted += (_, e) => _client.Enqueue(call);", "_client.Enqueue(call);")
            .Replace("BODY", """
            public void Register(int id)
            {
                using var scope = new TransactionScope();
                {|#0:_jobs.Enqueue<Mailer>(m => m.SendWelcome(id))|};
                scope.Complete();
            }
            """),
        Verify.Diagnostic("JS0001"));

    // A catch block that does not roll back: the transaction is still open there (disposed at the end of
    // the using), so an alert e-mail sent from the catch is inside it; after an explicit rollback it is not.
    private const string CatchAlert = """
        using System;
        using System.Net.Mail;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }

        public class Importer
        {
            private readonly AppDb _db;
            private readonly SmtpClient _smtp;
            public Importer(AppDb db, SmtpClient smtp) { _db = db; _smtp = smtp; }

            public async Task Import()
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                try
                {
                    await _db.SaveChangesAsync();
                    await tx.CommitAsync();
                }
                catch (Exception ex)
                {
                    ROLLBACK
                    await MARK_START_smtp.SendMailAsync("ops@x.invalid", "ops@x.invalid", "import failed", ex.Message)MARK_END;
                }
            }
        }
        """;

    [Fact]
    public Task Alert_mail_in_a_catch_without_rollback_is_reported() => Verify.VerifyAsync(
        CatchAlert.Replace("ROLLBACK", "").Replace("MARK_START", "{|#0:").Replace("MARK_END", "|}"),
        Verify.Diagnostic("JS0002"));

    [Fact]
    public Task Alert_mail_in_a_catch_after_rollback_is_not_reported() => Verify.VerifyAsync(
        CatchAlert.Replace("ROLLBACK", "await tx.RollbackAsync();").Replace("MARK_START", "").Replace("MARK_END", ""));

    // An integration-test fixture keeping a TransactionScope in a field (rolled back in Dispose): the test
    // methods open nothing themselves, so their HTTP calls are not reported.
    [Fact]
    public Task Test_fixture_scope_held_in_a_field_is_not_a_region_in_test_methods() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public sealed class OrdersApiTests : IDisposable
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

    // IDistributedCache string extensions (SetStringAsync) and Hangfire's Create are side effects too.
    [Fact]
    public Task Distributed_cache_string_extension_and_hangfire_create_are_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Hangfire;
        using Hangfire.States;
        using Microsoft.Extensions.Caching.Distributed;
        using Npgsql;

        public class Profiles
        {
            public async Task Save(NpgsqlConnection conn, IDistributedCache cache, IBackgroundJobClient jobs, string id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:cache.SetStringAsync("profile:" + id, "{}")|};
                {|#1:jobs.Create(() => Console.WriteLine(id), new EnqueuedState())|};
                await tx.CommitAsync();
                await cache.SetStringAsync("profile:" + id, "{}");
            }
        }
        """, Verify.Diagnostic("JS0004", 0), Verify.Diagnostic("JS0001", 1));

    // MassTransit: a send endpoint obtained from the provider and used inside the transaction.
    [Fact]
    public Task Send_endpoint_from_provider_inside_transaction_is_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }
        public record ReserveStock(int Id);

        public class Checkout
        {
            private readonly AppDb _db;
            private readonly ISendEndpointProvider _endpoints;
            public Checkout(AppDb db, ISendEndpointProvider endpoints) { _db = db; _endpoints = endpoints; }

            public async Task Run(int id)
            {
                using var tx = _db.Database.BeginTransaction();
                var endpoint = await _endpoints.GetSendEndpoint(new Uri("queue:stock"));
                await _db.SaveChangesAsync();
                await {|#0:endpoint.Send(new ReserveStock(id))|};
                tx.Commit();
                await endpoint.Send(new ReserveStock(-id));
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A unit test of a transaction behaviour passes a lambda as `next`: the behaviour invokes it inside its
    // scope, so the lambda body is a region (RULES: delegate parameter invoked inside the callee's region).
    private const string BehaviourUnitTest = """
        using System;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;

        public delegate Task<TResponse> HandlerDelegate<TResponse>();

        public class TxBehaviour<TResponse>
        {
            public async Task<TResponse> Handle(object request, HandlerDelegate<TResponse> next)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                var result = await next();
                scope.Complete();
                return result;
            }
        }

        public class LogOnly<TResponse>
        {
            public async Task<TResponse> Handle(object request, HandlerDelegate<TResponse> next) => await next();
        }

        public class BehaviourTests
        {
            public async Task Runs_handler(IBackgroundJobClient jobs)
            {
                var behaviour = new BEHAVIOUR<int>();
                await behaviour.Handle(new object(), () =>
                {
                    MARK_STARTjobs.Enqueue(() => Console.WriteLine("x"))MARK_END;
                    return Task.FromResult(1);
                });
            }
        }
        """;

    [Fact]
    public Task Lambda_passed_as_next_to_a_transaction_behaviour_is_reported() => Verify.VerifyAsync(
        BehaviourUnitTest.Replace("BEHAVIOUR", "TxBehaviour").Replace("MARK_START", "{|#0:").Replace("MARK_END", "|}"),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Lambda_passed_as_next_to_a_plain_behaviour_is_not_reported() => Verify.VerifyAsync(
        BehaviourUnitTest.Replace("BEHAVIOUR", "LogOnly").Replace("MARK_START", "").Replace("MARK_END", ""));

    // Fire-and-forget Task.Run inside the transaction still starts the HTTP call before the commit.
    [Fact]
    public Task Task_run_fire_and_forget_inside_transaction_is_reported() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class Audit
        {
            public async Task Save(NpgsqlConnection conn, HttpClient http, int id)
            {
                await using var tx = await conn.BeginTransactionAsync();
                _ = Task.Run(() => {|#0:http.PostAsync("https://audit.invalid/" + id, null)|});
                await tx.CommitAsync();
            }
        }
        """, Verify.Diagnostic("JS0003"));

    // A transaction begun only when none is current (a nested-aware service): publish before the
    // conditional commit is reported; after `if (tx != null) await tx.CommitAsync()` it is not.
    private const string BeginIfNoneCurrent = """
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class AppDb : DbContext { }
        public record Invoiced(int Id);

        public class Billing
        {
            private readonly AppDb _db;
            private readonly IPublishEndpoint _bus;
            public Billing(AppDb db, IPublishEndpoint bus) { _db = db; _bus = bus; }

            public async Task Invoice(int id)
            {
                IDbContextTransaction? tx = null;
                if (_db.Database.CurrentTransaction == null)
                {
                    tx = await _db.Database.BeginTransactionAsync();
                }

                await _db.SaveChangesAsync();
                BEFORE
                if (tx != null)
                {
                    await tx.CommitAsync();
                    await tx.DisposeAsync();
                }
                AFTER
            }
        }
        """;

    [Fact]
    public Task Publish_before_conditional_commit_is_reported() => Verify.VerifyAsync(
        BeginIfNoneCurrent.Replace("BEFORE", "await {|#0:_bus.Publish(new Invoiced(id))|};").Replace("AFTER", ""),
        Verify.Diagnostic("JS0001"));

    [Fact]
    public Task Publish_after_conditional_commit_is_not_reported() => Verify.VerifyAsync(
        BeginIfNoneCurrent.Replace("BEFORE", "").Replace("AFTER", "await _bus.Publish(new Invoiced(id));"));

    // try/finally disposing the transaction: the code after the finally is reached only after the commit.
    [Fact]
    public Task Publish_after_try_finally_dispose_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using MassTransit;
        using Npgsql;

        public record Archived(int Id);

        public class Archiver
        {
            public async Task Archive(NpgsqlConnection conn, IPublishEndpoint bus, int id)
            {
                var tx = await conn.BeginTransactionAsync();
                try
                {
                    await using var cmd = new NpgsqlCommand("delete from live where id = @id", conn, tx);
                    await cmd.ExecuteNonQueryAsync();
                    await {|#0:bus.Publish(new Archived(-id))|};
                    await tx.CommitAsync();
                }
                finally
                {
                    await tx.DisposeAsync();
                }

                await bus.Publish(new Archived(id));
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A transaction per loop iteration: the publish at the top of the next iteration follows a commit.
    [Fact]
    public Task Transaction_per_batch_in_a_loop() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        using Confluent.Kafka;
        using Npgsql;

        public class Relay
        {
            public async Task Run(NpgsqlConnection conn, IProducer<string, string> producer, int batches)
            {
                for (var i = 0; i < batches; i++)
                {
                    await producer.ProduceAsync("progress", new Message<string, string> { Key = "k", Value = i.ToString() });
                    await using var tx = await conn.BeginTransactionAsync();
                    await {|#0:producer.ProduceAsync("rows", new Message<string, string> { Key = "k", Value = "v" })|};
                    await tx.CommitAsync();
                }
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // A using declaration inside an if block ends with the block.
    [Fact]
    public Task Transaction_declared_in_an_if_block_ends_with_the_block() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class AppDb : DbContext { }

        public class Sync
        {
            public async Task Run(AppDb db, HttpClient http, bool atomic)
            {
                if (atomic)
                {
                    using var tx = db.Database.BeginTransaction();
                    await db.SaveChangesAsync();
                    tx.Commit();
                }
                else
                {
                    await db.SaveChangesAsync();
                }

                await http.PostAsync("https://hooks.invalid/synced", null);
            }
        }
        """);

    // A DI service scope is not a transaction scope.
    [Fact]
    public Task Service_scope_is_not_a_transaction_scope() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        using Hangfire;

        public interface IServiceScopeLike : IDisposable { IServiceProvider ServiceProvider { get; } }
        public interface IScopeFactoryLike { IServiceScopeLike CreateScope(); }

        public class Nightly
        {
            public void Run(IScopeFactoryLike factory, IBackgroundJobClient jobs)
            {
                using var scope = factory.CreateScope();
                jobs.Enqueue(() => Console.WriteLine("nightly"));
            }
        }
        """);

    // EF Core SaveChangesInterceptor publishing domain events from SavedChangesAsync: no transaction is
    // visible there (no transaction parameter, no start): not reported.
    [Fact]
    public Task Saved_changes_interceptor_publishing_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore.Diagnostics;

        public record Changed(int Count);

        public class EventsInterceptor : SaveChangesInterceptor
        {
            private readonly IPublishEndpoint _bus;
            public EventsInterceptor(IPublishEndpoint bus) { _bus = bus; }

            public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
            {
                await _bus.Publish(new Changed(result), cancellationToken);
                return await base.SavedChangesAsync(eventData, result, cancellationToken);
            }
        }
        """);

    // A resilient-transaction helper (execution strategy + transaction around a callback); the event log
    // write is handed the current transaction; the integration publish after the helper returns is fine,
    // an HTTP call inside the callback is not.
    private const string ResilientHelper = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class AppDb : DbContext { }
        public record PriceChanged(int Id);

        public class ResilientTx
        {
            private readonly DbContext _db;
            public ResilientTx(DbContext db) { _db = db; }

            public async Task RunAsync(Func<Task> action)
            {
                var strategy = _db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var tx = await _db.Database.BeginTransactionAsync();
                    await action();
                    await tx.CommitAsync();
                });
            }
        }

        public class EventLog
        {
            private readonly AppDb _log;
            public EventLog(AppDb log) { _log = log; }
            public Task Save(object evt, IDbContextTransaction tx)
            {
                _log.Database.UseTransaction(tx.GetDbTransaction());
                _log.Add(evt);
                return _log.SaveChangesAsync();
            }
        }

        public class Catalog
        {
            private readonly AppDb _db;
            private readonly EventLog _log;
            private readonly IPublishEndpoint _bus;
            private readonly HttpClient _http;
            public Catalog(AppDb db, EventLog log, IPublishEndpoint bus, HttpClient http) { _db = db; _log = log; _bus = bus; _http = http; }

            public async Task ChangePrice(int id)
            {
                var evt = new PriceChanged(id);
                await new ResilientTx(_db).RunAsync(async () =>
                {
                    await _db.SaveChangesAsync();
                    await _log.Save(evt, _db.Database.CurrentTransaction!);
                    INSIDE
                });
                await _bus.Publish(evt);
            }
        }
        """;

    [Fact]
    public Task Resilient_transaction_with_event_log_and_later_publish_is_not_reported() => Verify.VerifyAsync(
        ResilientHelper.Replace("INSIDE", ""));

    [Fact]
    public Task Http_call_inside_the_resilient_transaction_callback_is_reported() => Verify.VerifyAsync(
        ResilientHelper.Replace("INSIDE", "await {|#0:_http.PostAsync(\"https://search.invalid/reindex\", null)|};"),
        Verify.Diagnostic("JS0003"));

    // Reads and configuration calls on side-effect types inside a transaction are not side effects.
    [Fact]
    public Task Reads_on_cache_redis_quartz_and_http_client_setup_are_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Distributed;
        using Npgsql;
        using Quartz;
        using StackExchange.Redis;

        public class Reader
        {
            public async Task Run(NpgsqlConnection conn, IDistributedCache cache, IDatabase redis, IScheduler scheduler, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var cached = await cache.GetStringAsync("k");
                var bytes = await cache.GetAsync("k2");
                var value = await redis.StringGetAsync("counter");
                var exists = await redis.KeyExistsAsync("counter");
                var detail = await scheduler.GetJobDetail(new JobKey("nightly"));
                var keys = await scheduler.GetJobGroupNames();
                http.DefaultRequestHeaders.Add("X-Trace", "1");
                http.Timeout = TimeSpan.FromSeconds(5);
                await tx.CommitAsync();
            }
        }
        """);
}
