using JobSafety.Analyzers.Tests.SideEffects;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;
using VerifyJobArguments = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.ConnectionBoundJobArgumentAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Seventh batch of minimal reproductions (own names, own code) of real-world shapes, from a fifth recall review:
/// transaction wrappers returned by extension methods, hosted outbox relays over generic contexts, transaction scope
/// managers with completion queues, MediatR notifications and requests dispatched inside a transaction, bodiless units
/// of work spelled Begin/StartTransaction/BeginTran (and ORM clients judged by those names), Dapper DbSession units of
/// work, lazily kept transactions (`??=`), CAP-enlisting transaction handlers, caching/logging/transactional decorators
/// and job-service wrappers. Positive and negative twins.
/// </summary>
public class RealWorldShapeTests7
{
    // An extension method on DbContext that begins EF's transaction and hands it back inside the application's own
    // wrapper (constructor stores it; CommitAsync/DisposeAsync forward to it). The region runs from the extension
    // call to the wrapper's commit.
    private const string ExtensionWrapper = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public sealed class TxHandle : IAsyncDisposable
        {
            private readonly IDbContextTransaction _inner;
            public TxHandle(IDbContextTransaction inner) { _inner = inner; }
            public Task CommitAsync(CancellationToken ct) => _inner.CommitAsync(ct);
            public ValueTask DisposeAsync() => _inner.DisposeAsync();
        }

        public static class DbContextTxExtensions
        {
            public static async Task<TxHandle> OpenTxAsync(this DbContext db, CancellationToken ct)
            {
                var tx = await db.Database.BeginTransactionAsync(ct);
                return new TxHandle(tx);
            }
        }

        public class ShopDb : DbContext { }

        public class PriceService
        {
            private readonly ShopDb _db;
            private readonly HttpClient _http;
            public PriceService(ShopDb db, HttpClient http) { _db = db; _http = http; }

            public async Task Reprice(int id, CancellationToken ct)
            {
                await using (var tx = await _db.OpenTxAsync(ct))
                {
                    await _db.SaveChangesAsync(ct);
                    INSIDE
                    await tx.CommitAsync(ct);
                }

                await _http.PostAsync("https://search.invalid/reindex/" + id, null, ct);
            }
        }
        """;

    [Fact]
    public Task Http_after_the_wrapper_commits_is_not_reported() => Verify.VerifyAsync(
        ExtensionWrapper.Replace("INSIDE", ""));

    [Fact]
    public Task Http_inside_a_wrapper_from_an_extension_method_is_reported() => Verify.VerifyAsync(
        ExtensionWrapper.Replace("INSIDE", "await {|#0:_http.PostAsync(\"https://search.invalid/reindex/\" + id, null, ct)|};"),
        Verify.Diagnostic("JS0003", 0));

    // A hosted outbox relay generic over its context (`where TContext : DbContext`): it locks pending rows inside an EF
    // transaction begun with ConfigureAwait(false), rolls back and returns early when there is nothing to do, publishes
    // each row through the application's publisher (one implementation, over RabbitMQ) inside a try/catch, then saves
    // and commits. Publishing while the rows are locked is what the relay is for, but it is still a broker write made
    // before the commit: reported at the call. A relay that commits first and publishes afterwards is not.
    private const string GenericRelay = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using RabbitMQ.Client;

        namespace Microsoft.Extensions.Hosting
        {
            public abstract class BackgroundService { protected abstract Task ExecuteAsync(CancellationToken stoppingToken); }
        }

        public interface IEventSink { Task PublishAsync(string type, byte[] body, CancellationToken ct); }

        public sealed class RabbitSink : IEventSink
        {
            private readonly IChannel _channel;
            public RabbitSink(IChannel channel) { _channel = channel; }
            public async Task PublishAsync(string type, byte[] body, CancellationToken ct) =>
                await _channel.BasicPublishAsync("events", type, body, ct);
        }

        public sealed class PendingRow { public long Id { get; set; } public string Type { get; set; } = ""; public byte[] Body { get; set; } = Array.Empty<byte>(); public bool Sent { get; set; } }

        public sealed class RelayService<TContext> : BackgroundService where TContext : DbContext
        {
            private readonly IServiceScopeFactory _scopes;
            private readonly IEventSink _sink;
            public RelayService(IServiceScopeFactory scopes, IEventSink sink) { _scopes = scopes; _sink = sink; }

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await RelayOnceAsync(stoppingToken).ConfigureAwait(false);
                    await Task.Delay(1000, stoppingToken).ConfigureAwait(false);
                }
            }

            private async Task RelayOnceAsync(CancellationToken ct)
            {
                using var scope = _scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                var rows = await db.Set<PendingRow>().FromSqlRaw("select * from pending for update skip locked").ToListAsync(ct).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return;
                }

                var sent = new List<PendingRow>();
                foreach (var row in rows)
                {
                    try
                    {
                        LOCKED
                        row.Sent = true;
                        sent.Add(row);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        row.Sent = false;
                    }
                }

                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                foreach (var row in sent)
                {
                    await _sink.PublishAsync(row.Type, row.Body, ct).ConfigureAwait(false);
                }
            }
        }
        """;

    [Fact]
    public Task Relay_publishing_after_its_commit_is_not_reported() => Verify.VerifyAsync(
        GenericRelay.Replace("LOCKED", ""));

    [Fact]
    public Task Relay_publishing_while_the_rows_are_locked_is_reported() => Verify.VerifyAsync(
        GenericRelay.Replace("LOCKED", "await {|#0:_sink.PublishAsync(row.Type, row.Body, ct)|}.ConfigureAwait(false);"),
        Verify.Diagnostic("JS0001", 0));

    // A transaction scope manager of the application (a CMS-style `Create(db)` returning its own ITxScope): the primary
    // scope's constructor opens a System.Transactions scope through a factory delegate it is given, CompleteAsync
    // completes and disposes it and then runs the callbacks queued with QueueCompletionTask. A side effect queued there
    // runs after the commit; one made between Create and CompleteAsync runs inside it.
    private const string ScopeManager = """
        using System;
        using System.Collections.Generic;
        using System.Net.Mail;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Caching.Distributed;

        public interface ITxScope : IDisposable
        {
            void QueueCompletionTask(Func<Task> action);
            Task CompleteAsync();
        }

        public interface ITxScopeManager { ITxScope Create(DbContext db); }

        public sealed class PrimaryTxScope : ITxScope
        {
            private readonly Queue<Func<Task>> _onComplete = new();
            private TransactionScope? _inner;
            public PrimaryTxScope(Func<TransactionScope> factory) { _inner = factory(); }

            public void QueueCompletionTask(Func<Task> action) => _onComplete.Enqueue(action);

            public async Task CompleteAsync()
            {
                _inner?.Complete();
                Release();
                while (_onComplete.Count > 0)
                {
                    await _onComplete.Dequeue()();
                }
            }

            public void Dispose() => Release();

            private void Release()
            {
                var inner = _inner;
                _inner = null;
                inner?.Dispose();
            }
        }

        public sealed class TxScopeManager : ITxScopeManager
        {
            public ITxScope Create(DbContext db) =>
                new PrimaryTxScope(() => new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled));
        }

        public class CmsDb : DbContext { }

        public class PageCommands
        {
            private readonly CmsDb _db;
            private readonly ITxScopeManager _scopes;
            private readonly IDistributedCache _cache;
            private readonly SmtpClient _smtp;
            public PageCommands(CmsDb db, ITxScopeManager scopes, IDistributedCache cache, SmtpClient smtp) { _db = db; _scopes = scopes; _cache = cache; _smtp = smtp; }

            public async Task Delete(int pageId)
            {
                using (var scope = _scopes.Create(_db))
                {
                    await _db.SaveChangesAsync();
                    INSIDE
                    scope.QueueCompletionTask(() => _cache.RemoveAsync("page:" + pageId));
                    scope.QueueCompletionTask(() => _smtp.SendMailAsync("cms@site.invalid", "editors@site.invalid", "Deleted", pageId.ToString()));
                    await scope.CompleteAsync();
                }

                await _cache.RemoveAsync("pages");
            }
        }
        """;

    [Fact]
    public Task Side_effects_queued_as_completion_tasks_are_not_reported() => Verify.VerifyAsync(
        ScopeManager.Replace("INSIDE", ""));

    [Fact]
    public Task Side_effects_between_create_and_complete_of_a_scope_manager_are_reported() => Verify.VerifyAsync(
        ScopeManager.Replace("INSIDE", "await {|#0:_cache.RemoveAsync(\"page:\" + pageId)|}; await {|#1:_smtp.SendMailAsync(\"cms@site.invalid\", \"editors@site.invalid\", \"Deleting\", pageId.ToString())|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0002", 1));

    [Fact]
    public Task A_scope_factory_the_constructor_only_keeps_opens_nothing() => Verify.VerifyAsync(
        ScopeManager
            .Replace("private TransactionScope? _inner;", "private TransactionScope? _inner; private readonly Func<TransactionScope> _factory;")
            .Replace("{ _inner = factory(); }", "{ _factory = factory; }")
            .Replace("INSIDE", "await _cache.RemoveAsync(\"page:\" + pageId);"));

    // MediatR (stand-in assembly with its 12.x shapes): `Publish(notification)` and `Send(request)` run the project's
    // handlers in process before they return, so inside a transaction they run inside it. A service that books a
    // ticket publishes TicketBooked (a mail handler, a handler of the base event interface that calls a webhook, an
    // audit handler that only writes rows) and sends IssueInvoice (a handler that posts to a billing API), directly and
    // through a service method; a generic domain-event dispatcher publishes events typed as INotification, whose
    // handlers for derived types run only for some events (not followed).
    private const string MediatRLibrary = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace MediatR
        {
            public interface INotification { }
            public interface IBaseRequest { }
            public interface IRequest<out TResponse> : IBaseRequest { }
            public interface IRequest : IBaseRequest { }
            public interface INotificationHandler<in TNotification> where TNotification : INotification
            {
                Task Handle(TNotification notification, CancellationToken cancellationToken);
            }
            public interface IRequestHandler<in TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken);
            }
            public interface IRequestHandler<in TRequest> where TRequest : IRequest
            {
                Task Handle(TRequest request, CancellationToken cancellationToken);
            }
            public interface ISender
            {
                Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default);
                Task Send<TRequest>(TRequest request, CancellationToken cancellationToken = default) where TRequest : IRequest;
                Task<object?> Send(object request, CancellationToken cancellationToken = default);
            }
            public interface IPublisher
            {
                Task Publish(object notification, CancellationToken cancellationToken = default);
                Task Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default) where TNotification : INotification;
            }
            public interface IMediator : ISender, IPublisher { }
        }
        """;

    private const string MediatRDispatch = """
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Net.Mail;
        using System.Threading;
        using System.Threading.Tasks;
        using MediatR;
        using Microsoft.EntityFrameworkCore;

        public interface IBookingEvent : INotification { int TicketId { get; } }
        public sealed record TicketBooked(int TicketId) : IBookingEvent;
        public sealed record TicketReleased(int TicketId) : IBookingEvent;
        public sealed record SeatAudited(int TicketId) : INotification;
        public sealed record IssueInvoice(int TicketId) : IRequest<string>;
        public sealed record RecordSale(int TicketId) : IRequest;

        public class BoxOfficeDb : DbContext { }

        public sealed class BookingMailer : INotificationHandler<TicketBooked>
        {
            private readonly SmtpClient _smtp;
            public BookingMailer(SmtpClient smtp) { _smtp = smtp; }
            public Task Handle(TicketBooked notification, CancellationToken cancellationToken) =>
                _smtp.SendMailAsync("tickets@box.invalid", "fan@box.invalid", "Booked", notification.TicketId.ToString(), cancellationToken);
        }

        public sealed class BookingWebhook : INotificationHandler<IBookingEvent>
        {
            private readonly HttpClient _http;
            public BookingWebhook(HttpClient http) { _http = http; }
            public async Task Handle(IBookingEvent notification, CancellationToken cancellationToken) =>
                await _http.PostAsJsonAsync("https://hooks.box.invalid/booking", new { notification.TicketId }, cancellationToken);
        }

        public sealed class ReleaseMailer : INotificationHandler<TicketReleased>
        {
            private readonly SmtpClient _smtp;
            public ReleaseMailer(SmtpClient smtp) { _smtp = smtp; }
            public Task Handle(TicketReleased notification, CancellationToken cancellationToken) =>
                _smtp.SendMailAsync("tickets@box.invalid", "fan@box.invalid", "Released", notification.TicketId.ToString(), cancellationToken);
        }

        public sealed class SeatAuditor : INotificationHandler<SeatAudited>
        {
            private readonly BoxOfficeDb _db;
            public SeatAuditor(BoxOfficeDb db) { _db = db; }
            public Task Handle(SeatAudited notification, CancellationToken cancellationToken) => _db.SaveChangesAsync(cancellationToken);
        }

        public sealed class IssueInvoiceHandler : IRequestHandler<IssueInvoice, string>
        {
            private readonly HttpClient _http;
            public IssueInvoiceHandler(HttpClient http) { _http = http; }
            public async Task<string> Handle(IssueInvoice request, CancellationToken cancellationToken)
            {
                var response = await _http.PostAsync("https://billing.invalid/invoices/" + request.TicketId, null, cancellationToken);
                return await response.Content.ReadAsStringAsync(cancellationToken);
            }
        }

        public sealed class RecordSaleHandler : IRequestHandler<RecordSale>
        {
            private readonly BoxOfficeDb _db;
            public RecordSaleHandler(BoxOfficeDb db) { _db = db; }
            public Task Handle(RecordSale request, CancellationToken cancellationToken) => _db.SaveChangesAsync(cancellationToken);
        }

        public class BookingNotices
        {
            private readonly IPublisher _publisher;
            public BookingNotices(IPublisher publisher) { _publisher = publisher; }
            public Task Booked(int id, CancellationToken ct) => _publisher.Publish(new TicketBooked(id), ct);
        }

        public class BoxOffice
        {
            private readonly BoxOfficeDb _db;
            private readonly IMediator _mediator;
            private readonly BookingNotices _notices;
            public BoxOffice(BoxOfficeDb db, IMediator mediator, BookingNotices notices) { _db = db; _mediator = mediator; _notices = notices; }

            public async Task<string> Book(int id, List<INotification> raised, CancellationToken ct)
            {
                await using var tx = await _db.Database.BeginTransactionAsync(ct);
                await _db.SaveChangesAsync(ct);
                await _mediator.Publish(new SeatAudited(id), ct);
                await _mediator.Send(new RecordSale(id), ct);
                foreach (var e in raised)
                {
                    await _mediator.Publish(e, ct);
                }

                INSIDE
                await tx.CommitAsync(ct);

                await _mediator.Publish(new TicketBooked(id), ct);
                await _notices.Booked(id, ct);
                return await _mediator.Send(new IssueInvoice(id), ct);
            }
        }
        """;

    [Fact]
    public Task Mediator_handlers_after_the_commit_or_without_side_effects_are_not_reported() => StandInLibrary.VerifyAsync(
        MediatRLibrary, MediatRDispatch.Replace("INSIDE", ""), null);

    [Fact]
    public Task Mediator_handlers_run_inside_the_transaction_are_reported() => StandInLibrary.VerifyAsync(
        MediatRLibrary,
        MediatRDispatch.Replace("INSIDE", """
            await {|#0:_mediator.Publish(new TicketBooked(id), ct)|};
            await {|#2:_mediator.Publish((object)new TicketReleased(id), ct)|};
            await {|#3:_notices.Booked(id, ct)|};
            var invoice = await {|#4:_mediator.Send(new IssueInvoice(id), ct)|};
            """),
        null,
        Verify.Diagnostic("JS0002", 0),
        Verify.Diagnostic("JS0003", 0),
        Verify.Diagnostic("JS0002", 2),
        Verify.Diagnostic("JS0003", 2),
        Verify.Diagnostic("JS0002", 3),
        Verify.Diagnostic("JS0003", 3),
        Verify.Diagnostic("JS0003", 4));

    // A transaction service over EF's facade with a primary constructor (BeginAsync begins on the context; CommitAsync
    // and RollbackAsync end it through Database.CommitTransactionAsync/RollbackTransactionAsync behind a
    // CurrentTransaction null check), and an extension whose wrapper commits in DisposeAsync unless RollbackAsync ran.
    private const string FacadeServices = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public interface ITransactionService { Task BeginAsync(); Task CommitAsync(); Task RollbackAsync(); }

        public class AccountsDb : DbContext { }

        public sealed class TransactionService(AccountsDb db) : ITransactionService
        {
            public async Task BeginAsync() => await db.Database.BeginTransactionAsync();

            public async Task CommitAsync()
            {
                if (db.Database.CurrentTransaction is not null)
                {
                    await db.Database.CommitTransactionAsync();
                }
            }

            public async Task RollbackAsync()
            {
                if (db.Database.CurrentTransaction is not null)
                {
                    await db.Database.RollbackTransactionAsync();
                }
            }
        }

        public static class CommitOnDispose
        {
            public sealed class Work : IAsyncDisposable
            {
                private IDbContextTransaction? _tx;
                public Work(IDbContextTransaction tx) { _tx = tx; }
                public async ValueTask DisposeAsync()
                {
                    if (_tx != null)
                    {
                        await _tx.CommitAsync();
                    }
                }

                public async ValueTask RollbackAsync()
                {
                    await _tx!.RollbackAsync();
                    _tx = null;
                }
            }

            public static async Task<Work> WorkAsync(this DbContext db, CancellationToken ct = default) =>
                new Work(await db.Database.BeginTransactionAsync(ct));
        }

        public class Accounts(AccountsDb db, ITransactionService transactions, StackExchange.Redis.IDatabase redis)
        {
            public async Task Close(int id)
            {
                await transactions.BeginAsync();
                try
                {
                    await db.SaveChangesAsync();
                    CLOSE
                    await transactions.CommitAsync();
                }
                catch
                {
                    await transactions.RollbackAsync();
                    throw;
                }

                await redis.KeyDeleteAsync("account:" + id);
            }

            public async Task Freeze(int id)
            {
                await using (var work = await db.WorkAsync())
                {
                    await db.SaveChangesAsync();
                    FREEZE
                }

                await redis.KeyDeleteAsync("account:" + id);
            }
        }
        """;

    [Fact]
    public Task Redis_after_a_facade_service_or_a_commit_on_dispose_wrapper_is_not_reported() => Verify.VerifyAsync(
        FacadeServices.Replace("CLOSE", "").Replace("FREEZE", ""));

    [Fact]
    public Task Redis_inside_a_facade_service_or_a_commit_on_dispose_wrapper_is_reported() => Verify.VerifyAsync(
        FacadeServices
            .Replace("CLOSE", "await {|#0:redis.KeyDeleteAsync(\"account:\" + id)|};")
            .Replace("FREEZE", "await {|#1:redis.KeyDeleteAsync(\"account:\" + id)|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1));

    // Clean-architecture handlers over a unit of work implemented in another project, whose transaction methods are a
    // bare `Begin()`/`Commit()`/`Rollback()` (no `…Transaction` in the names). With a commit and a rollback beside it,
    // `Begin[Async]()` returning nothing opens the region and `Commit`/`Rollback` end it. A batch writer with Begin and
    // Commit but no Rollback, and a Begin that hands out a value, open nothing.
    private const string BareBeginUnitOfWork = """
        using System;
        using System.Threading.Tasks;
        using Hangfire;

        public interface IUnitOfWork
        {
            Task Begin();
            Task Commit();
            Task Rollback();
        }

        public interface IBulkWriter
        {
            void Begin();
            void Commit();
        }

        public interface IPrinter { IDisposable Begin(); void Commit(); void Rollback(); }

        public interface IMatchRepository { Task Add(int match); }

        public class ScheduleMatch
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly IMatchRepository _matches;
            private readonly IBackgroundJobClient _jobs;
            private readonly IBulkWriter _bulk;
            private readonly IPrinter _printer;
            public ScheduleMatch(IUnitOfWork unitOfWork, IMatchRepository matches, IBackgroundJobClient jobs, IBulkWriter bulk, IPrinter printer)
            {
                _unitOfWork = unitOfWork; _matches = matches; _jobs = jobs; _bulk = bulk; _printer = printer;
            }

            public static void Remind(int match) { }

            public async Task Handle(int match)
            {
                await _unitOfWork.Begin();
                try
                {
                    await _matches.Add(match);
                    INSIDE
                    await _unitOfWork.Commit();
                }
                catch
                {
                    await _unitOfWork.Rollback();
                    throw;
                }

                _jobs.Enqueue(() => Remind(match));
            }

            public void Import(int match)
            {
                _bulk.Begin();
                _jobs.Enqueue(() => Remind(match));
                _bulk.Commit();
                using (_printer.Begin())
                {
                    _jobs.Enqueue(() => Remind(match));
                }
            }
        }
        """;

    [Fact]
    public Task Enqueue_after_a_bare_begin_unit_of_work_commits_and_look_alikes_are_not_reported() => Verify.VerifyAsync(
        BareBeginUnitOfWork.Replace("INSIDE", ""));

    [Fact]
    public Task Enqueue_between_a_bare_begin_and_commit_of_a_unit_of_work_is_reported() => Verify.VerifyAsync(
        BareBeginUnitOfWork.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => Remind(match))|};"),
        Verify.Diagnostic("JS0001", 0));

    // More names for a bodiless unit of work's transaction methods, as application interfaces spell them:
    // `StartTransactionAsync`/`CommitTransactionAsync`/`RollbackTransactionAsync` on a session, `BeginTran`/`CommitTran`/
    // `RollbackTran` on a unit of work over an ORM client, and a generic unit of work with `StartTransactionAsync`,
    // `CommitAsync` and `RollBackAsync`.
    private const string StartTransactionNames = """
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Distributed;

        public interface IDbSession
        {
            Task StartTransactionAsync(CancellationToken cancellationToken = default);
            Task CommitTransactionAsync(CancellationToken cancellationToken = default);
            Task RollbackTransactionAsync(CancellationToken cancellationToken = default);
        }

        public interface ISugarWork { void BeginTran(); void CommitTran(); void RollbackTran(); }

        public interface IUnitOfWork<TDb> { Task SaveAsync(); Task StartTransactionAsync(); Task RollBackAsync(); Task CommitAsync(); }

        public sealed class MenuDb { }

        public class MenuService
        {
            private readonly IDbSession _session;
            private readonly ISugarWork _sugar;
            private readonly IUnitOfWork<MenuDb> _work;
            private readonly IDistributedCache _cache;
            public MenuService(IDbSession session, ISugarWork sugar, IUnitOfWork<MenuDb> work, IDistributedCache cache) { _session = session; _sugar = sugar; _work = work; _cache = cache; }

            public async Task Rename(string id, CancellationToken ct)
            {
                await _session.StartTransactionAsync(ct);
                try
                {
                    RENAME
                    await _session.CommitTransactionAsync(ct);
                }
                catch
                {
                    await _session.RollbackTransactionAsync(ct);
                    throw;
                }

                await _cache.RemoveAsync("menu:" + id, ct);
            }

            public void Hide(string id)
            {
                _sugar.BeginTran();
                try
                {
                    HIDE
                    _sugar.CommitTran();
                }
                catch
                {
                    _sugar.RollbackTran();
                    throw;
                }

                _cache.Remove("menu:" + id);
            }

            public async Task Move(string id)
            {
                await _work.StartTransactionAsync();
                try
                {
                    await _work.SaveAsync();
                    MOVE
                    await _work.CommitAsync();
                }
                catch
                {
                    await _work.RollBackAsync();
                    throw;
                }

                await _cache.RemoveAsync("menu:" + id);
            }
        }
        """;

    [Fact]
    public Task Cache_writes_after_start_transaction_and_begin_tran_units_of_work_commit_are_not_reported() => Verify.VerifyAsync(
        StartTransactionNames.Replace("RENAME", "").Replace("HIDE", "").Replace("MOVE", ""));

    [Fact]
    public Task Cache_writes_inside_start_transaction_and_begin_tran_units_of_work_are_reported() => Verify.VerifyAsync(
        StartTransactionNames
            .Replace("RENAME", "await {|#0:_cache.RemoveAsync(\"menu:\" + id, ct)|};")
            .Replace("HIDE", "{|#1:_cache.Remove(\"menu:\" + id)|};")
            .Replace("MOVE", "await {|#2:_cache.RemoveAsync(\"menu:\" + id)|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0004", 1),
        Verify.Diagnostic("JS0004", 2));

    // ORM clients outside the built-in symbol list, judged by the bodiless-unit-of-work names (stand-in assemblies with
    // the libraries' shapes): a SqlSugar-style client whose BeginTran()/CommitTran()/RollbackTran() (also on its Ado
    // object) return nothing, and a linq2db-style connection whose BeginTransaction() hands out its own transaction
    // object with Commit/Rollback.
    private const string OrmClients = """
        using System;
        using System.Threading.Tasks;

        namespace SqlSugar
        {
            public interface IAdo { void BeginTran(); void CommitTran(); void RollbackTran(); }
            public interface ISqlSugarClient
            {
                IAdo Ado { get; }
                void BeginTran();
                Task BeginTranAsync();
                void CommitTran();
                Task CommitTranAsync();
                void RollbackTran();
                Task RollbackTranAsync();
            }
        }

        namespace LinqToDB.Data
        {
            public sealed class DataConnectionTransaction : IDisposable
            {
                public void Commit() { }
                public void Rollback() { }
                public void Dispose() { }
            }

            public class DataConnection : IDisposable
            {
                public DataConnectionTransaction BeginTransaction() => new DataConnectionTransaction();
                public void Dispose() { }
            }
        }
        """;

    private const string OrmServices = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using LinqToDB.Data;
        using SqlSugar;

        public class StockService
        {
            private readonly ISqlSugarClient _db;
            private readonly HttpClient _http;
            public StockService(ISqlSugarClient db, HttpClient http) { _db = db; _http = http; }

            public async Task Reserve(int sku)
            {
                try
                {
                    await _db.BeginTranAsync();
                    RESERVE
                    await _db.CommitTranAsync();
                }
                catch
                {
                    await _db.RollbackTranAsync();
                    throw;
                }

                await _http.PostAsync("https://erp.invalid/reserved/" + sku, null);
            }

            public async Task Release(int sku)
            {
                _db.Ado.BeginTran();
                RELEASE
                _db.Ado.CommitTran();
                await _http.PostAsync("https://erp.invalid/released/" + sku, null);
            }

            public async Task Count(DataConnection connection, int sku)
            {
                using (var tr = connection.BeginTransaction())
                {
                    COUNT
                    tr.Commit();
                }

                await _http.PostAsync("https://erp.invalid/counted/" + sku, null);
            }
        }
        """;

    [Fact]
    public Task Http_after_orm_client_commits_is_not_reported() => StandInLibrary.VerifyAsync(
        OrmClients, OrmServices.Replace("RESERVE", "").Replace("RELEASE", "").Replace("COUNT", ""), null);

    [Fact]
    public Task Http_inside_orm_client_transactions_is_reported() => StandInLibrary.VerifyAsync(
        OrmClients,
        OrmServices
            .Replace("RESERVE", "await {|#0:_http.PostAsync(\"https://erp.invalid/reserving/\" + sku, null)|};")
            .Replace("RELEASE", "await {|#1:_http.PostAsync(\"https://erp.invalid/releasing/\" + sku, null)|};")
            .Replace("COUNT", "await {|#2:_http.PostAsync(\"https://erp.invalid/counting/\" + sku, null)|};"),
        null,
        Verify.Diagnostic("JS0003", 0),
        Verify.Diagnostic("JS0003", 1),
        Verify.Diagnostic("JS0003", 2));

    // A framework's publisher-transaction handler (one source implementation of its interface) that returns EF's
    // transaction begun with CAP's publisher: CAP publishes made while that transaction is open are stored with it
    // (not reported); a handler whose BeginTransaction leaves the publisher out opens a plain transaction (reported).
    private const string CapEfProviderStandIn = """
        namespace DotNetCore.CAP
        {
            public static class CapEfTransactionExtensions
            {
                public static Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction BeginTransaction(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database, ICapPublisher publisher, bool autoCommit = false) => throw new System.NotSupportedException();
            }
        }
        """;

    private const string CapTransactionHandler = """
        using System.Threading.Tasks;
        using DotNetCore.CAP;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public interface IPublisherTransactionHandler { IDbContextTransaction BeginTransaction(DbContext context); }

        public sealed class CapPublisherTransactionHandler : IPublisherTransactionHandler
        {
            private readonly ICapPublisher _cap;
            public CapPublisherTransactionHandler(ICapPublisher cap) { _cap = cap; }
            public IDbContextTransaction BeginTransaction(DbContext context) => context.Database.BeginTransaction(ENLIST);
        }

        public class CatalogDb : DbContext { }

        public class PriceChanged
        {
            private readonly CatalogDb _db;
            private readonly IPublisherTransactionHandler _handler;
            private readonly ICapPublisher _cap;
            public PriceChanged(CatalogDb db, IPublisherTransactionHandler handler, ICapPublisher cap) { _db = db; _handler = handler; _cap = cap; }

            public async Task Run(int id)
            {
                using var tx = _handler.BeginTransaction(_db);
                await _db.SaveChangesAsync();
                await MARK_START_cap.PublishAsync("catalog.price-changed", id)MARK_END;
                await tx.CommitAsync();
            }
        }
        """;

    [Fact]
    public Task Cap_publish_inside_a_handler_transaction_enlisting_the_publisher_is_not_reported() => StandInLibrary.VerifyAsync(
        CapEfProviderStandIn,
        CapTransactionHandler.Replace("ENLIST", "_cap, autoCommit: false").Replace("MARK_START", "").Replace("MARK_END", ""),
        null);

    [Fact]
    public Task Cap_publish_inside_a_handler_transaction_without_the_publisher_is_reported() => StandInLibrary.VerifyAsync(
        CapEfProviderStandIn,
        CapTransactionHandler.Replace("ENLIST", "").Replace("MARK_START", "{|#0:").Replace("MARK_END", "|}"),
        null,
        Verify.Diagnostic("JS0001", 0));

    // Dapper "session" units of work: the transaction is kept on a shared DbSession object's property
    // (`_session.Transaction = _session.Connection.BeginTransaction()`), repositories read it from there, and the unit of
    // work's Commit commits it through the session; and a unit of work whose BeginTransaction both keeps the transaction
    // and returns it, ended by the unit of work's CommitAsync rather than by the returned object. A unit-of-work method that
    // stores its transaction on the session and commits it before returning leaves nothing open for its caller.
    private const string DapperSessions = """
        using System;
        using System.Data;
        using System.Threading.Tasks;
        using Dapper;
        using SendGrid;
        using SendGrid.Helpers.Mail;

        public sealed class DbSession : IDisposable
        {
            public IDbConnection Connection { get; }
            public IDbTransaction? Transaction { get; set; }
            public DbSession(IDbConnection connection) { Connection = connection; Connection.Open(); }
            public void Dispose() => Connection.Dispose();
        }

        public interface IUnitOfWork : IDisposable { void BeginTransaction(); void Commit(); void Rollback(); void Stamp(string email); }

        public sealed class UnitOfWork : IUnitOfWork
        {
            private readonly DbSession _session;
            public UnitOfWork(DbSession session) { _session = session; }
            public void BeginTransaction() => _session.Transaction = _session.Connection.BeginTransaction();
            public void Commit() { _session.Transaction!.Commit(); Dispose(); }
            public void Rollback() { _session.Transaction!.Rollback(); Dispose(); }
            public void Dispose() => _session.Transaction?.Dispose();
            public void Stamp(string email)
            {
                _session.Transaction = _session.Connection.BeginTransaction();
                _session.Connection.Execute("update customers set seen = now() where email = @email", new { email }, _session.Transaction);
                _session.Transaction.Commit();
            }
        }

        public interface ITxUnitOfWork : IDisposable { IDbTransaction BeginTransaction(); Task CommitAsync(); Task RollbackAsync(); }

        public sealed class TxUnitOfWork : ITxUnitOfWork
        {
            private readonly IDbConnection _connection;
            private IDbTransaction? _tx;
            public TxUnitOfWork(IDbConnection connection) { _connection = connection; }
            public IDbTransaction BeginTransaction()
            {
                _connection.Open();
                _tx = _connection.BeginTransaction();
                return _tx;
            }

            public Task CommitAsync() { _tx?.Commit(); _tx = null; return Task.CompletedTask; }
            public Task RollbackAsync() { _tx?.Rollback(); _tx = null; return Task.CompletedTask; }
            public void Dispose() => _tx?.Dispose();
        }

        public class CustomerRepository
        {
            private readonly DbSession _session;
            public CustomerRepository(DbSession session) { _session = session; }
            public Task Add(string email) => _session.Connection.ExecuteAsync("insert into customers values (@email)", new { email }, _session.Transaction);
        }

        public class SignUp
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly ITxUnitOfWork _txWork;
            private readonly CustomerRepository _customers;
            private readonly ISendGridClient _mail;
            public SignUp(IUnitOfWork unitOfWork, ITxUnitOfWork txWork, CustomerRepository customers, ISendGridClient mail)
            {
                _unitOfWork = unitOfWork; _txWork = txWork; _customers = customers; _mail = mail;
            }

            public async Task Register(string email)
            {
                _unitOfWork.BeginTransaction();
                try
                {
                    await _customers.Add(email);
                    REGISTER
                    _unitOfWork.Commit();
                }
                catch
                {
                    _unitOfWork.Rollback();
                    throw;
                }

                await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Welcome", "Hi", "<p>Hi</p>"));
            }

            public async Task Seen(string email)
            {
                _unitOfWork.Stamp(email);
                await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Seen", "Hi", "<p>Hi</p>"));
            }

            public async Task Invite(IDbConnection connection, string email)
            {
                var tx = _txWork.BeginTransaction();
                try
                {
                    await connection.ExecuteAsync("insert into invites values (@email)", new { email }, tx);
                    INVITE
                    await _txWork.CommitAsync();
                }
                catch
                {
                    await _txWork.RollbackAsync();
                    throw;
                }

                await _mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress("hi@app.invalid"), new EmailAddress(email), "Invite", "Hi", "<p>Hi</p>"));
            }
        }
        """;

    [Fact]
    public Task Mail_after_dapper_session_units_of_work_commit_is_not_reported() => Verify.VerifyAsync(
        DapperSessions.Replace("REGISTER", "").Replace("INVITE", ""));

    [Fact]
    public Task Mail_inside_dapper_session_units_of_work_is_reported() => Verify.VerifyAsync(
        DapperSessions
            .Replace("REGISTER", "await {|#0:_mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress(\"hi@app.invalid\"), new EmailAddress(email), \"Welcome\", \"Hi\", \"<p>Hi</p>\"))|};")
            .Replace("INVITE", "await {|#1:_mail.SendEmailAsync(MailHelper.CreateSingleEmail(new EmailAddress(\"hi@app.invalid\"), new EmailAddress(email), \"Invite\", \"Hi\", \"<p>Hi</p>\"))|};"),
        Verify.Diagnostic("JS0002", 0),
        Verify.Diagnostic("JS0002", 1));

    // A registration service over a unit of work (implemented elsewhere) whose BeginTransactionAsync hands out EF's
    // transaction: early returns inside the try leave it to the using, a failed step rolls back and returns, the
    // welcome e-mails are enqueued after the commit, and the catch rolls back before it enqueues an error report.
    private const string Registration = """
        using System;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore.Storage;

        public interface IUnitOfWork { Task<IDbContextTransaction> BeginTransactionAsync(); Task<int> SaveAsync(); }
        public interface IAccountMails { Task Validation(string email); Task Welcome(string email); }
        public interface IErrorReports { Task Report(string message); }
        public interface IUsers { Task<bool> Exists(string email); Task<bool> Create(string email); Task<bool> AddRole(string email); }

        public class Registration
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly IUsers _users;
            public Registration(IUnitOfWork unitOfWork, IUsers users) { _unitOfWork = unitOfWork; _users = users; }

            public async Task<int> Register(string email)
            {
                using var tran = await _unitOfWork.BeginTransactionAsync();
                try
                {
                    if (await _users.Exists(email))
                    {
                        return 409;
                    }

                    if (!await _users.Create(email))
                    {
                        return 400;
                    }

                    if (!await _users.AddRole(email))
                    {
                        await tran.RollbackAsync();
                        return 500;
                    }

                    INSIDE
                    await tran.CommitAsync();
                    BackgroundJob.Enqueue<IAccountMails>(m => m.Validation(email));
                    BackgroundJob.Enqueue<IAccountMails>(m => m.Welcome(email));
                    return 201;
                }
                catch (Exception ex)
                {
                    await tran.RollbackAsync();
                    BackgroundJob.Enqueue<IErrorReports>(r => r.Report(ex.Message));
                    return 500;
                }
            }
        }
        """;

    [Fact]
    public Task Registration_enqueues_after_commit_and_after_rollback_are_not_reported() => Verify.VerifyAsync(
        Registration.Replace("INSIDE", ""));

    [Fact]
    public Task Registration_enqueue_before_commit_is_reported() => Verify.VerifyAsync(
        Registration.Replace("INSIDE", "{|#0:BackgroundJob.Enqueue<IAccountMails>(m => m.Validation(email))|};"),
        Verify.Diagnostic("JS0001", 0));

    // A Dapper database wrapper whose BeginTransaction keeps the transaction with `_transaction ??= ...` and whose
    // CommitTransaction commits it with `?.` and clears it; the side effects go through the application's own extension
    // methods on Hangfire's client and on IDistributedCache. Also `_tx ??= await BeginTransactionAsync()` and
    // `_tx.CommitAsync()` in one method.
    private const string LazyDatabase = """
        using System.Data;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.Extensions.Caching.Distributed;

        public interface IConnectionFactory { IDbConnection Create(); }

        public sealed class Database
        {
            private readonly IConnectionFactory _factory;
            private IDbConnection? _connection;
            private IDbTransaction? _transaction;
            public Database(IConnectionFactory factory) { _factory = factory; }
            private IDbConnection Connection => _connection ??= _factory.Create();
            public void BeginTransaction(IsolationLevel isolation = IsolationLevel.ReadCommitted) => _transaction ??= Connection.BeginTransaction(isolation);
            public void CommitTransaction() { _transaction?.Commit(); _transaction = null; }
            public void RollbackTransaction() { _transaction?.Rollback(); _transaction = null; }
        }

        public static class AppJobs
        {
            public static void Recalculate(int id) { }
            public static string EnqueueRecalculation(this IBackgroundJobClient jobs, int id) => jobs.Enqueue(() => Recalculate(id));
            public static Task ForgetBasketAsync(this IDistributedCache cache, int id) => cache.RemoveAsync("basket:" + id);
        }

        public class BasketService
        {
            private readonly Database _db;
            private readonly IBackgroundJobClient _jobs;
            private readonly IDistributedCache _cache;
            public BasketService(Database db, IBackgroundJobClient jobs, IDistributedCache cache) { _db = db; _jobs = jobs; _cache = cache; }

            public async Task Checkout(int id)
            {
                _db.BeginTransaction();
                try
                {
                    INSIDE
                    _db.CommitTransaction();
                }
                catch
                {
                    _db.RollbackTransaction();
                    throw;
                }

                _jobs.EnqueueRecalculation(id);
                await _cache.ForgetBasketAsync(id);
            }
        }

        public class BasketFlush
        {
            private readonly Microsoft.EntityFrameworkCore.DbContext _db;
            private readonly IDistributedCache _cache;
            private Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? _tx;
            public BasketFlush(Microsoft.EntityFrameworkCore.DbContext db, IDistributedCache cache) { _db = db; _cache = cache; }

            public async Task Flush(int id)
            {
                _tx ??= await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                FLUSH
                await _tx.CommitAsync();
                _tx = null;
                await _cache.ForgetBasketAsync(id);
            }
        }
        """;

    [Fact]
    public Task Side_effects_through_own_extensions_after_a_lazy_wrapper_commits_are_not_reported() => Verify.VerifyAsync(
        LazyDatabase.Replace("INSIDE", "").Replace("FLUSH", ""));

    [Fact]
    public Task Side_effects_through_own_extensions_inside_a_lazy_wrapper_transaction_are_reported() => Verify.VerifyAsync(
        LazyDatabase.Replace("INSIDE", "{|#0:_jobs.EnqueueRecalculation(id)|}; await {|#1:_cache.ForgetBasketAsync(id)|};")
            .Replace("FLUSH", "await {|#2:_cache.ForgetBasketAsync(id)|};"),
        Verify.Diagnostic("JS0001", 0),
        Verify.Diagnostic("JS0004", 1),
        Verify.Diagnostic("JS0004", 2));


    // A caching decorator over a generic repository (`CachedRepository<T>(IRepository<T> inner, IDistributedCache cache)`,
    // registered with Scrutor-style Decorate): the container hands out the decorator, so a repository call inside a
    // transaction runs its cache invalidation there; a logging decorator's call on the object it wraps runs the one
    // implementation that is not a decorator (an SMTP notifier). Two plain implementations of another interface (one of them calls
    // a webhook) are not followed: which one runs is not known.
    private const string CachingDecorator = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Caching.Distributed;

        public interface IEntity { int Id { get; } }
        public sealed class Product : IEntity { public int Id { get; set; } public decimal Price { get; set; } }

        public interface IRepository<T> where T : class, IEntity { Task UpdateAsync(T entity); }

        public sealed class EfRepository<T> : IRepository<T> where T : class, IEntity
        {
            private readonly DbContext _db;
            public EfRepository(DbContext db) { _db = db; }
            public async Task UpdateAsync(T entity) { _db.Update(entity); await _db.SaveChangesAsync(); }
        }

        public sealed class CachedRepository<T> : IRepository<T> where T : class, IEntity
        {
            private readonly IRepository<T> _inner;
            private readonly IDistributedCache _cache;
            public CachedRepository(IRepository<T> inner, IDistributedCache cache) { _inner = inner; _cache = cache; }
            public async Task UpdateAsync(T entity)
            {
                await _inner.UpdateAsync(entity);
                await _cache.RemoveAsync(typeof(T).Name + ":" + entity.Id);
            }
        }

        public interface INotifier { Task PriceChanged(int id); }
        public sealed class SmtpNotifier : INotifier
        {
            private readonly System.Net.Mail.SmtpClient _smtp;
            public SmtpNotifier(System.Net.Mail.SmtpClient smtp) { _smtp = smtp; }
            public Task PriceChanged(int id) => _smtp.SendMailAsync("shop@shop.invalid", "buyers@shop.invalid", "Price", id.ToString());
        }

        public sealed class LoggingNotifier : INotifier
        {
            private readonly INotifier _inner;
            private readonly Microsoft.Extensions.Logging.ILogger<LoggingNotifier> _log;
            public LoggingNotifier(INotifier inner, Microsoft.Extensions.Logging.ILogger<LoggingNotifier> log) { _inner = inner; _log = log; }
            public async Task PriceChanged(int id)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(_log, "notify {Id}", id);
                await _inner.PriceChanged(id);
            }
        }

        public interface IStockFeed { Task Push(int id); }
        public sealed class QuietFeed : IStockFeed { public Task Push(int id) => Task.CompletedTask; }
        public sealed class WebhookFeed : IStockFeed
        {
            private readonly HttpClient _http;
            public WebhookFeed(HttpClient http) { _http = http; }
            public Task Push(int id) => _http.PostAsync("https://feed.invalid/" + id, null);
        }

        public class Pricing
        {
            private readonly DbContext _db;
            private readonly IRepository<Product> _products;
            private readonly IStockFeed _feed;
            private readonly INotifier _notifier;
            public Pricing(DbContext db, IRepository<Product> products, IStockFeed feed, INotifier notifier) { _db = db; _products = products; _feed = feed; _notifier = notifier; }

            public async Task Reprice(Product product)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await _feed.Push(product.Id);
                INSIDE
                await tx.CommitAsync();
                await _products.UpdateAsync(product);
                await _notifier.PriceChanged(product.Id);
            }
        }
        """;

    [Fact]
    public Task Decorated_repository_after_commit_and_an_ambiguous_interface_are_not_reported() => Verify.VerifyAsync(
        CachingDecorator.Replace("INSIDE", ""));

    [Fact]
    public Task Decorated_repository_inside_the_transaction_is_reported() => Verify.VerifyAsync(
        CachingDecorator.Replace("INSIDE", "await {|#0:_products.UpdateAsync(product)|}; await {|#1:_notifier.PriceChanged(product.Id)|};"),
        Verify.Diagnostic("JS0004", 0),
        Verify.Diagnostic("JS0002", 1));

    // Transactional decorators: a TransactionScope decorator around the one real order service runs that service's mail
    // inside its scope (reported at the inner call); a generic command-handler decorator over several handlers cannot
    // tell which one runs (not reported); neither reports its own publish made after the scope at the inner call.
    private const string TransactionalDecorators = """
        using System.Net.Mail;
        using System.Threading.Tasks;
        using System.Transactions;
        using MassTransit;

        public interface IOrderService { Task Place(int id); }

        public sealed class OrderService : IOrderService
        {
            private readonly SmtpClient _smtp;
            public OrderService(SmtpClient smtp) { _smtp = smtp; }
            public Task Place(int id) => MAIL;
        }

        public sealed class TransactionalOrderService : IOrderService
        {
            private readonly IOrderService _inner;
            private readonly IPublishEndpoint _bus;
            public TransactionalOrderService(IOrderService inner, IPublishEndpoint bus) { _inner = inner; _bus = bus; }
            public async Task Place(int id)
            {
                using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                {
                    await PLACE;
                    scope.Complete();
                }

                await _bus.Publish(new { id });
            }
        }

        public interface ICommandHandler<TCommand> { Task Handle(TCommand command); }
        public sealed record Create(int Id);
        public sealed record Rename(int Id);

        public sealed class CreateHandler : ICommandHandler<Create>
        {
            private readonly SmtpClient _smtp;
            public CreateHandler(SmtpClient smtp) { _smtp = smtp; }
            public Task Handle(Create command) => _smtp.SendMailAsync("a@b.invalid", "c@d.invalid", "Created", command.Id.ToString());
        }

        public sealed class RenameHandler : ICommandHandler<Rename>
        {
            public Task Handle(Rename command) => Task.CompletedTask;
        }

        public sealed class TransactionalHandler<TCommand> : ICommandHandler<TCommand>
        {
            private readonly ICommandHandler<TCommand> _inner;
            private readonly IPublishEndpoint _bus;
            public TransactionalHandler(ICommandHandler<TCommand> inner, IPublishEndpoint bus) { _inner = inner; _bus = bus; }
            public async Task Handle(TCommand command)
            {
                using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
                {
                    await _inner.Handle(command);
                    scope.Complete();
                }

                await _bus.Publish(new { Handled = typeof(TCommand).Name });
            }
        }
        """;

    [Fact]
    public Task Transactional_decorators_whose_inner_call_sends_nothing_or_is_ambiguous_are_not_reported() => Verify.VerifyAsync(
        TransactionalDecorators.Replace("MAIL", "Task.CompletedTask").Replace("PLACE", "_inner.Place(id)"));

    [Fact]
    public Task Transactional_decorator_around_the_one_mailing_service_is_reported_at_the_inner_call() => Verify.VerifyAsync(
        TransactionalDecorators
            .Replace("MAIL", "_smtp.SendMailAsync(\"a@b.invalid\", \"c@d.invalid\", \"Placed\", id.ToString())")
            .Replace("PLACE", "{|#0:_inner.Place(id)|}"),
        Verify.Diagnostic("JS0002", 0));

    // A starter-kit job service (`IJobService.Enqueue(Expression<Func<Task>>)` implemented over BackgroundJob, and a
    // generic overload over IBackgroundJobClient) used from a tenant-provisioning handler inside an EF transaction: the
    // expression is not run there, the enqueue through the wrapper is.
    private const string JobServiceWrapper = """
        using System;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public interface IJobService
        {
            string Enqueue(Expression<Func<Task>> methodCall);
            string Enqueue<T>(Expression<Func<T, Task>> methodCall);
        }

        public sealed class HangfireJobService : IJobService
        {
            private readonly IBackgroundJobClient _client;
            public HangfireJobService(IBackgroundJobClient client) { _client = client; }
            public string Enqueue(Expression<Func<Task>> methodCall) => BackgroundJob.Enqueue(methodCall);
            public string Enqueue<T>(Expression<Func<T, Task>> methodCall) => _client.Enqueue(methodCall);
        }

        public interface ITenantMailer { Task Welcome(string tenant); }

        public class TenantDb : DbContext { }

        public class CreateTenant
        {
            private readonly TenantDb _db;
            private readonly IJobService _jobs;
            private readonly ITenantMailer _mailer;
            public CreateTenant(TenantDb db, IJobService jobs, ITenantMailer mailer) { _db = db; _jobs = jobs; _mailer = mailer; }

            public async Task Handle(string tenant)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await _db.SaveChangesAsync();
                INSIDE
                await tx.CommitAsync();
                _jobs.Enqueue(() => _mailer.Welcome(tenant));
                _jobs.Enqueue<ITenantMailer>(m => m.Welcome(tenant));
            }
        }
        """;

    [Fact]
    public Task Job_service_enqueues_after_the_commit_are_not_reported() => Verify.VerifyAsync(
        JobServiceWrapper.Replace("INSIDE", ""));

    [Fact]
    public Task Job_service_enqueues_inside_the_transaction_are_reported() => Verify.VerifyAsync(
        JobServiceWrapper.Replace("INSIDE", "{|#0:_jobs.Enqueue(() => _mailer.Welcome(tenant))|}; {|#1:_jobs.Enqueue<ITenantMailer>(m => m.Welcome(tenant))|};"),
        Verify.Diagnostic("JS0001", 0),
        Verify.Diagnostic("JS0001", 1));

    // ABP's explicit transactional unit of work (stand-in assembly with Volo.Abp.Uow's shapes): `using var uow =
    // _unitOfWorkManager.Begin(requiresNew: true, isTransactional: true)` (or options with IsTransactional = true) holds a
    // database transaction until `uow.CompleteAsync()`, a rollback or the using's Dispose. A unit begun without saying it
    // is transactional is not a transaction (ABP's default), and a catch after RollbackAsync is not in it. A helper that
    // runs a callback inside such a unit (`SafeExecuteAsync(async () => ...)`) runs the lambda inside the transaction.
    private const string AbpLibrary = """
        using System;
        using System.Data;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Volo.Abp.Uow
        {
            public class AbpUnitOfWorkOptions
            {
                public AbpUnitOfWorkOptions() { }
                public AbpUnitOfWorkOptions(bool isTransactional = false, IsolationLevel? isolationLevel = null, int? timeout = null) { IsTransactional = isTransactional; }
                public bool IsTransactional { get; set; }
            }

            public interface IUnitOfWork : IDisposable
            {
                Task CompleteAsync(CancellationToken cancellationToken = default);
                Task RollbackAsync(CancellationToken cancellationToken = default);
                Task SaveChangesAsync(CancellationToken cancellationToken = default);
            }

            public interface IUnitOfWorkManager
            {
                IUnitOfWork? Current { get; }
                IUnitOfWork Begin(AbpUnitOfWorkOptions options, bool requiresNew = false);
            }

            public static class UnitOfWorkManagerExtensions
            {
                public static IUnitOfWork Begin(this IUnitOfWorkManager manager, bool requiresNew = false, bool isTransactional = false, IsolationLevel? isolationLevel = null, int? timeout = null) =>
                    manager.Begin(new AbpUnitOfWorkOptions(isTransactional, isolationLevel, timeout), requiresNew);
            }
        }
        """;

    private const string AbpService = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Volo.Abp.Uow;

        public class PrepaidCards
        {
            private readonly IUnitOfWorkManager _unitOfWorkManager;
            private readonly HttpClient _http;
            public PrepaidCards(IUnitOfWorkManager unitOfWorkManager, HttpClient http) { _unitOfWorkManager = unitOfWorkManager; _http = http; }

            public async Task Use(Guid card)
            {
                using var uow = _unitOfWorkManager.Begin(requiresNew: true, isTransactional: true);
                try
                {
                    USE
                    await uow.CompleteAsync();
                }
                catch
                {
                    await uow.RollbackAsync();
                    await _http.PostAsync("https://alerts.invalid/card-failed/" + card, null);
                    throw;
                }

                await _http.PostAsync("https://ledger.invalid/used/" + card, null);
            }

            public async Task Seed(Guid card)
            {
                using (var uow = _unitOfWorkManager.Begin(new AbpUnitOfWorkOptions { IsTransactional = true }, requiresNew: true))
                {
                    SEED
                    await uow.CompleteAsync();
                }

                await _http.PostAsync("https://ledger.invalid/seeded/" + card, null);
            }

            public Task Notify(Guid card) => SafeExecuteAsync(async () =>
            {
                NOTIFY
                await Task.CompletedTask;
            });

            private async Task SafeExecuteAsync(Func<Task> action)
            {
                using var uow = _unitOfWorkManager.Begin(requiresNew: true, isTransactional: true);
                try
                {
                    await action();
                    await uow.CompleteAsync();
                }
                catch (Exception)
                {
                }
            }

            public async Task Read(Guid card)
            {
                using (var uow = _unitOfWorkManager.Begin(requiresNew: true))
                {
                    await _http.GetAsync("https://ledger.invalid/cards/" + card);
                    await uow.CompleteAsync();
                }
            }
        }
        """;

    [Fact]
    public Task Http_after_an_abp_unit_completes_or_in_a_non_transactional_unit_is_not_reported() => StandInLibrary.VerifyAsync(
        AbpLibrary, AbpService.Replace("USE", "").Replace("SEED", "").Replace("NOTIFY", ""), null);

    [Fact]
    public Task Http_inside_an_abp_transactional_unit_is_reported() => StandInLibrary.VerifyAsync(
        AbpLibrary,
        AbpService
            .Replace("USE", "await {|#0:_http.PostAsync(\"https://ledger.invalid/using/\" + card, null)|};")
            .Replace("SEED", "await {|#1:_http.PostAsync(\"https://ledger.invalid/seeding/\" + card, null)|};")
            .Replace("NOTIFY", "await {|#2:_http.PostAsync(\"https://ledger.invalid/notify/\" + card, null)|};"),
        null,
        Verify.Diagnostic("JS0003", 0),
        Verify.Diagnostic("JS0003", 1),
        Verify.Diagnostic("JS0003", 2));

    // JS0005 shapes from import and report services: the connection EF holds (`_db.Database.GetDbConnection()`), the open
    // transaction's DbTransaction (`tx.GetDbTransaction()`) and the context itself handed to a job method are reported; the
    // connection string, the entity's id and a value read through the context at enqueue time are not.
    private const string JobArguments = """
        using System.Data.Common;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class ImportDb : DbContext { }

        public class ImportJobs
        {
            public Task Load(int id, DbConnection connection) => Task.CompletedTask;
            public Task Apply(int id, DbTransaction transaction) => Task.CompletedTask;
            public Task Index(int id, DbContext context) => Task.CompletedTask;
            public Task Rebuild(int id, string connectionString) => Task.CompletedTask;
        }

        public class Importer
        {
            private readonly ImportDb _db;
            private readonly IBackgroundJobClient _jobs;
            public Importer(ImportDb db, IBackgroundJobClient jobs) { _db = db; _jobs = jobs; }

            public async Task Run(int id)
            {
                await using var tx = await _db.Database.BeginTransactionAsync();
                await tx.CommitAsync();
                _jobs.Enqueue<ImportJobs>(j => j.Rebuild(id, _db.Database.GetConnectionString()!));
                _jobs.Enqueue<ImportJobs>(j => j.Rebuild(_db.Database.GetCommandTimeout() ?? id, "Host=db"));
                ARGS
            }
        }
        """;

    [Fact]
    public Task Connection_strings_ids_and_values_read_at_enqueue_time_are_not_reported() => VerifyJobArguments.VerifyAsync(
        JobArguments.Replace("ARGS", ""));

    [Fact]
    public Task Connection_transaction_and_context_job_arguments_are_reported() => VerifyJobArguments.VerifyAsync(
        JobArguments.Replace("ARGS", """
            _jobs.Enqueue<ImportJobs>(j => j.Load(id, {|#0:_db.Database.GetDbConnection()|}));
                            _jobs.Enqueue<ImportJobs>(j => j.Apply(id, {|#1:tx.GetDbTransaction()|}));
                            _jobs.Enqueue<ImportJobs>(j => j.Index(id, {|#2:_db|}));
            """),
        VerifyJobArguments.Diagnostic("JS0005", 0),
        VerifyJobArguments.Diagnostic("JS0005", 1),
        VerifyJobArguments.Diagnostic("JS0005", 2));
}
