using JobSafety.Analyzers.Tests.SideEffects;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// Ninth batch of minimal reproductions (own names, own code) of real-world shapes, from a precision audit of the recall
/// heuristics of the third session: units of work judged by their names (broker, cache and undo-stack "transactions"),
/// interfaces implemented several times in the compilation, mediator handlers, decorators among several implementations.
/// Positive and negative twins.
/// </summary>
public class RealWorldShapeTests9
{
    // ---- Confluent.Kafka's producer transaction (the real assembly) is a broker transaction: its BeginTransaction opens
    // nothing, and its CommitTransaction does not end the database transaction around it. A produce inside both is still
    // inside the database transaction (RULES.md: broker-side transactions are not database transactions). ----
    private const string KafkaInsideDatabase = """
        using Confluent.Kafka;
        using Npgsql;

        public class LedgerExporter
        {
            private readonly IProducer<string, string> _producer;
            public LedgerExporter(IProducer<string, string> producer) { _producer = producer; }

            public void Export(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                _producer.BeginTransaction();
                INSIDE
                _producer.CommitTransaction();
                AFTER_BROKER_COMMIT
                tx.Commit();

                _producer.BeginTransaction();
                _producer.Produce("ledger", new Message<string, string> { Key = "entry", Value = id.ToString() });
                _producer.CommitTransaction();
            }
        }
        """;

    [Fact]
    public Task Kafka_produce_inside_a_database_transaction_is_reported_even_inside_a_kafka_transaction() => Verify.VerifyAsync(
        KafkaInsideDatabase
            .Replace("INSIDE", """{|#0:_producer.Produce("ledger", new Message<string, string> { Key = "entry", Value = id.ToString() })|};""")
            .Replace("AFTER_BROKER_COMMIT", """{|#1:_producer.Produce("audit", new Message<string, string> { Key = "entry", Value = id.ToString() })|};"""),
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Kafka_transaction_alone_opens_no_database_region() => Verify.VerifyAsync(
        KafkaInsideDatabase.Replace("INSIDE", "").Replace("AFTER_BROKER_COMMIT", ""));

    // ---- An editor's undo history declared in the project with two implementations (a real stack and a null object):
    // BeginTransaction(label)/CommitTransaction()/RollbackTransaction() group edits, no database is involved. The
    // compilation has the bodies, so they are judged, not the names. Twin: a unit of work with the same method names and
    // two implementations, one over EF Core (it begins the context's transaction) and one for the in-memory provider. ----
    private const string EditHistory = """
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public interface IEditHistory
        {
            void BeginTransaction(string label);
            void CommitTransaction();
            void RollbackTransaction();
        }

        public sealed class EditHistory : IEditHistory
        {
            private readonly Stack<string> _open = new();
            private readonly List<string> _done = new();
            public void BeginTransaction(string label) => _open.Push(label);
            public void CommitTransaction() => _done.Add(_open.Pop());
            public void RollbackTransaction() => _open.Pop();
        }

        public sealed class NullEditHistory : IEditHistory
        {
            public void BeginTransaction(string label) { }
            public void CommitTransaction() { }
            public void RollbackTransaction() { }
        }

        public interface IBatch
        {
            Task Begin();
            Task Commit();
            Task Rollback();
        }

        public sealed class BufferedBatch : IBatch
        {
            private readonly List<string> _lines = new();
            public Task Begin() { _lines.Clear(); return Task.CompletedTask; }
            public Task Commit() => Task.CompletedTask;
            public Task Rollback() { _lines.Clear(); return Task.CompletedTask; }
        }

        public sealed class DiscardingBatch : IBatch
        {
            public Task Begin() => Task.CompletedTask;
            public Task Commit() => Task.CompletedTask;
            public Task Rollback() => Task.CompletedTask;
        }

        public interface IStudioUnitOfWork
        {
            Task BeginTransactionAsync();
            Task CommitTransactionAsync();
            Task RollbackTransactionAsync();
        }

        public class StudioDb : DbContext { }

        public sealed class EfStudioUnitOfWork : IStudioUnitOfWork
        {
            private readonly StudioDb _db;
            public EfStudioUnitOfWork(StudioDb db) { _db = db; }
            public Task BeginTransactionAsync() => _db.Database.BeginTransactionAsync();
            public Task CommitTransactionAsync() => _db.Database.CommitTransactionAsync();
            public Task RollbackTransactionAsync() => _db.Database.RollbackTransactionAsync();
        }

        public sealed class InMemoryStudioUnitOfWork : IStudioUnitOfWork
        {
            public Task BeginTransactionAsync() => Task.CompletedTask;
            public Task CommitTransactionAsync() => Task.CompletedTask;
            public Task RollbackTransactionAsync() => Task.CompletedTask;
        }

        public class ShapeEditor
        {
            private readonly IEditHistory _history;
            private readonly IBatch _batch;
            private readonly IStudioUnitOfWork _unitOfWork;
            private readonly HttpClient _http;
            public ShapeEditor(IEditHistory history, IBatch batch, IStudioUnitOfWork unitOfWork, HttpClient http)
            {
                _history = history; _batch = batch; _unitOfWork = unitOfWork; _http = http;
            }

            public async Task Recolor(string id)
            {
                _history.BeginTransaction("recolor");
                await _http.PostAsync("https://render.invalid/preview/" + id, null);
                _history.CommitTransaction();
            }

            public async Task Export(string id)
            {
                await _batch.Begin();
                await _http.PostAsync("https://render.invalid/export/" + id, null);
                await _batch.Commit();
            }

            public async Task Publish(string id)
            {
                await _unitOfWork.BeginTransactionAsync();
                INSIDE
                await _unitOfWork.CommitTransactionAsync();
                await _http.PostAsync("https://render.invalid/published/" + id, null);
            }
        }
        """;

    [Fact]
    public Task Undo_history_and_in_memory_batches_implemented_in_the_project_open_no_region() => Verify.VerifyAsync(
        EditHistory.Replace("INSIDE", ""));

    [Fact]
    public Task Unit_of_work_with_several_implementations_opens_a_region_when_one_of_them_begins_a_transaction() => Verify.VerifyAsync(
        EditHistory.Replace("INSIDE", """await {|#0:_http.PostAsync("https://render.invalid/publishing/" + id, null)|};"""),
        Verify.Diagnostic("JS0003"));

    // ---- Another assembly's "transaction" judged by names: an in-memory data grid's transaction context (its root namespace
    // is a known non-database library, judged by symbol only: nothing) against the application's own data-access assembly
    // with the same shape (judged by the names: a region). ----
    private const string GridAndDataAccess = """
        using System.Threading.Tasks;

        namespace Hazelcast.Transactions
        {
            public interface IGridTransactionContext
            {
                Task CommitAsync();
                Task RollbackAsync();
            }
        }

        namespace Hazelcast
        {
            public interface IGridClient
            {
                Task<Hazelcast.Transactions.IGridTransactionContext> BeginTransactionAsync();
            }
        }

        namespace Fabrikam.DataAccess
        {
            public interface IDataTransaction
            {
                Task CommitAsync();
                Task RollbackAsync();
            }

            public interface IDataSession
            {
                Task<IDataTransaction> BeginTransactionAsync();
            }
        }
        """;

    private const string GridUser = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Fabrikam.DataAccess;
        using Hazelcast;

        public class SeatReservations
        {
            private readonly IGridClient _grid;
            private readonly IDataSession _session;
            private readonly HttpClient _http;
            public SeatReservations(IGridClient grid, IDataSession session, HttpClient http) { _grid = grid; _session = session; _http = http; }

            public async Task Hold(int seat)
            {
                var context = await _grid.BeginTransactionAsync();
                await _http.PostAsync("https://seats.invalid/hold/" + seat, null);
                await context.CommitAsync();
            }

            public async Task Sell(int seat)
            {
                var tx = await _session.BeginTransactionAsync();
                INSIDE
                await tx.CommitAsync();
                await _http.PostAsync("https://seats.invalid/sold/" + seat, null);
            }
        }
        """;

    [Fact]
    public Task Data_grid_transaction_from_a_known_library_opens_no_region() => StandInLibrary.VerifyAsync(
        GridAndDataAccess, GridUser.Replace("INSIDE", ""), null);

    [Fact]
    public Task Application_data_access_transaction_from_another_assembly_opens_a_region() => StandInLibrary.VerifyAsync(
        GridAndDataAccess,
        GridUser.Replace("INSIDE", """await {|#0:_http.PostAsync("https://seats.invalid/selling/" + seat, null)|};"""),
        null, Verify.Diagnostic("JS0003"));

    // ---- A retrying decorator among several implementations (a card gateway calling an HTTP API and a sandbox gateway
    // that does nothing): the decorator is followed, but its inner call cannot tell which of the two it wraps, so nothing
    // is reported, as before decorators were followed. Twin: the card gateway alone under the decorator is reported. ----
    private const string Gateways = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public interface IPaymentGateway { Task Charge(int orderId); }

        public sealed class CardGateway : IPaymentGateway
        {
            private readonly HttpClient _http;
            public CardGateway(HttpClient http) { _http = http; }
            public Task Charge(int orderId) => _http.PostAsync("https://cards.invalid/charge/" + orderId, null);
        }

        SANDBOX

        public sealed class RetryingGateway : IPaymentGateway
        {
            private readonly IPaymentGateway _inner;
            public RetryingGateway(IPaymentGateway inner) { _inner = inner; }
            public async Task Charge(int orderId)
            {
                for (var attempt = 0; ; attempt++)
                {
                    try { await _inner.Charge(orderId); return; }
                    catch (HttpRequestException) when (attempt < 3) { await Task.Delay(100); }
                }
            }
        }

        public class Checkout
        {
            private readonly IPaymentGateway _gateway;
            public Checkout(IPaymentGateway gateway) { _gateway = gateway; }

            public async Task Pay(NpgsqlConnection conn, int orderId)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await CHARGE;
                await tx.CommitAsync();
            }
        }
        """;

    private const string Sandbox = """
        public sealed class SandboxGateway : IPaymentGateway
        {
            public Task Charge(int orderId) => Task.CompletedTask;
        }
        """;

    [Fact]
    public Task Retrying_decorator_over_a_real_and_a_sandbox_gateway_is_not_reported() => Verify.VerifyAsync(
        Gateways.Replace("SANDBOX", Sandbox).Replace("CHARGE", "_gateway.Charge(orderId)"));

    [Fact]
    public Task Retrying_decorator_over_the_single_real_gateway_is_reported() => Verify.VerifyAsync(
        Gateways.Replace("SANDBOX", "").Replace("CHARGE", "{|#0:_gateway.Charge(orderId)|}"),
        Verify.Diagnostic("JS0003"));

    // ---- A TransactionScope handed out by a delegate: a factory field that creates suppressing scopes (a "no ambient
    // transaction here" helper around calls to other services) opens nothing; the same field creating a required scope does. ----
    private const string ScopeDelegates = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public class RateRefresher
        {
            private static readonly Func<TransactionScope> OutsideTransactions =
                () => new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
            private readonly Func<TransactionScope> _newTransaction =
                () => new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled);
            private readonly HttpClient _http;
            public RateRefresher(HttpClient http) { _http = http; }

            public async Task Refresh()
            {
                using (var quiet = OutsideTransactions())
                {
                    await _http.GetAsync("https://rates.invalid/today");
                    quiet.Complete();
                }

                using (var scope = _newTransaction())
                {
                    INSIDE
                    scope.Complete();
                }
            }
        }
        """;

    [Fact]
    public Task Delegate_handing_out_suppressing_scopes_opens_no_region() => Verify.VerifyAsync(
        ScopeDelegates.Replace("INSIDE", ""));

    [Fact]
    public Task Delegate_handing_out_required_scopes_opens_a_region() => Verify.VerifyAsync(
        ScopeDelegates.Replace("INSIDE", """await {|#0:_http.GetAsync("https://rates.invalid/tomorrow")|};"""),
        Verify.Diagnostic("JS0003"));

    // ---- MediatR notifications inside a transaction whose handlers defer their work (a background work queue over a
    // Channel, as in the hosted-service samples) or only write an outbox row to the same context: nothing runs outside the
    // database before the commit. Twin: a handler of the base notification interface that calls a webhook runs for every
    // notification, inside the transaction. ----
    private const string MediatRStandIn = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace MediatR
        {
            public interface INotification { }
            public interface INotificationHandler<in TNotification> where TNotification : INotification
            {
                Task Handle(TNotification notification, CancellationToken cancellationToken);
            }
            public interface IPublisher
            {
                Task Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default) where TNotification : INotification;
            }
        }
        """;

    private const string DeferringHandlers = """
        using System;
        using System.Net.Http;
        using System.Net.Mail;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using MediatR;
        using Microsoft.EntityFrameworkCore;

        public interface IParcelEvent : INotification { int ParcelId { get; } }
        public sealed record ParcelShipped(int ParcelId) : IParcelEvent;

        public sealed class OutboxRow { public int Id { get; set; } public string Body { get; set; } = ""; }
        public class DepotDb : DbContext { public DbSet<OutboxRow> Outbox => Set<OutboxRow>(); }

        public sealed class WorkQueue
        {
            private readonly Channel<Func<CancellationToken, Task>> _items = Channel.CreateUnbounded<Func<CancellationToken, Task>>();
            public ValueTask Queue(Func<CancellationToken, Task> item) => _items.Writer.WriteAsync(item);
            public ValueTask<Func<CancellationToken, Task>> Next(CancellationToken ct) => _items.Reader.ReadAsync(ct);
        }

        public sealed class ShippedMailer : INotificationHandler<ParcelShipped>
        {
            private readonly WorkQueue _queue;
            private readonly SmtpClient _smtp;
            public ShippedMailer(WorkQueue queue, SmtpClient smtp) { _queue = queue; _smtp = smtp; }
            public async Task Handle(ParcelShipped notification, CancellationToken cancellationToken) =>
                await _queue.Queue(ct => _smtp.SendMailAsync("depot@parcels.invalid", "client@parcels.invalid", "Shipped", notification.ParcelId.ToString(), ct));
        }

        public sealed class ShippedOutbox : INotificationHandler<ParcelShipped>
        {
            private readonly DepotDb _db;
            public ShippedOutbox(DepotDb db) { _db = db; }
            public Task Handle(ParcelShipped notification, CancellationToken cancellationToken)
            {
                _db.Outbox.Add(new OutboxRow { Body = "shipped:" + notification.ParcelId });
                return Task.CompletedTask;
            }
        }

        BASE_HANDLER

        public class Depot
        {
            private readonly DepotDb _db;
            private readonly IPublisher _publisher;
            public Depot(DepotDb db, IPublisher publisher) { _db = db; _publisher = publisher; }

            public async Task Ship(int id, CancellationToken ct)
            {
                await using var tx = await _db.Database.BeginTransactionAsync(ct);
                await PUBLISH;
                await _db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        """;

    private const string BaseWebhook = """
        public sealed class ParcelWebhook : INotificationHandler<IParcelEvent>
        {
            private readonly HttpClient _http;
            public ParcelWebhook(HttpClient http) { _http = http; }
            public Task Handle(IParcelEvent notification, CancellationToken cancellationToken) =>
                _http.PostAsync("https://hooks.parcels.invalid/" + notification.ParcelId, null, cancellationToken);
        }
        """;

    [Fact]
    public Task Mediator_handlers_that_queue_their_work_or_write_an_outbox_row_are_not_reported() => StandInLibrary.VerifyAsync(
        MediatRStandIn, DeferringHandlers.Replace("BASE_HANDLER", "").Replace("PUBLISH", "_publisher.Publish(new ParcelShipped(id), ct)"), null);

    [Fact]
    public Task Mediator_handler_of_the_base_notification_interface_is_reported() => StandInLibrary.VerifyAsync(
        MediatRStandIn,
        DeferringHandlers.Replace("BASE_HANDLER", BaseWebhook).Replace("PUBLISH", "{|#0:_publisher.Publish(new ParcelShipped(id), ct)|}"),
        null, Verify.Diagnostic("JS0003"));

    // ---- CAD documents' transactions (a drawing database's StartTransaction() handing out a transaction with Commit()
    // and Abort(), a model document's Transaction with Start()/Commit()/RollBack()) are not database transactions and
    // open nothing; an event store's StartTransactionAsync(stream) handing out a transaction with CommitAsync()/Rollback()
    // is a database's (the events are not visible before the commit) and opens a region. ----
    private const string DocumentsAndEventStore = """
        using System;
        using System.Threading.Tasks;

        namespace Autodesk.AutoCAD.DatabaseServices
        {
            public class Transaction : IDisposable
            {
                public void Commit() { }
                public void Abort() { }
                public void Dispose() { }
            }
            public class TransactionManager { public Transaction StartTransaction() => new(); }
            public class Database { public TransactionManager TransactionManager { get; } = new(); }
        }

        namespace Autodesk.Revit.DB
        {
            public class Document { }
            public class Transaction : IDisposable
            {
                public Transaction(Document document, string name) { }
                public int Start() => 0;
                public int Commit() => 0;
                public int RollBack() => 0;
                public void Dispose() { }
            }
        }

        namespace EventStore.ClientAPI
        {
            public class EventStoreTransaction : IDisposable
            {
                public Task WriteAsync(params object[] events) => Task.CompletedTask;
                public Task CommitAsync() => Task.CompletedTask;
                public void Rollback() { }
                public void Dispose() { }
            }
            public interface IEventStoreConnection
            {
                Task<EventStoreTransaction> StartTransactionAsync(string stream, long expectedVersion);
            }
        }
        """;

    private const string DocumentsUser = """
        using System.Net.Http;
        using System.Threading.Tasks;
        using EventStore.ClientAPI;
        using Cad = Autodesk.AutoCAD.DatabaseServices;
        using Model = Autodesk.Revit.DB;

        public class DrawingSync
        {
            private readonly HttpClient _http;
            private readonly IEventStoreConnection _events;
            public DrawingSync(HttpClient http, IEventStoreConnection events) { _http = http; _events = events; }

            public async Task Upload(Cad.Database drawing, Model.Document model)
            {
                using (var tr = drawing.TransactionManager.StartTransaction())
                {
                    await _http.PostAsync("https://plans.invalid/drawing", null);
                    tr.Commit();
                }

                using (var t = new Model.Transaction(model, "sync"))
                {
                    t.Start();
                    await _http.PostAsync("https://plans.invalid/model", null);
                    t.Commit();
                }
            }

            public async Task Append(string stream)
            {
                using var tx = await _events.StartTransactionAsync(stream, -2);
                await tx.WriteAsync(new object());
                INSIDE
                await tx.CommitAsync();
                await _http.PostAsync("https://plans.invalid/appended", null);
            }
        }
        """;

    [Fact]
    public Task Cad_document_transactions_open_no_region() => StandInLibrary.VerifyAsync(
        DocumentsAndEventStore, DocumentsUser.Replace("INSIDE", ""), null);

    [Fact]
    public Task Event_store_transaction_opens_a_region() => StandInLibrary.VerifyAsync(
        DocumentsAndEventStore,
        DocumentsUser.Replace("INSIDE", """await {|#0:_http.PostAsync("https://plans.invalid/appending", null)|};"""),
        null, Verify.Diagnostic("JS0003"));

    // ---- A command helper that stores the caller's transaction on the command it creates (cmd.Transaction = tx) begins
    // nothing: after the caller commits, nothing is open. A session helper that begins a transaction and stores it on the
    // session it was given leaves it open for its caller until the session's transaction is committed. ----
    private const string CommandHelpers = """
        using System.Data.Common;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public sealed class DbSessionHolder
        {
            public DbConnection Connection { get; init; } = null!;
            public DbTransaction? Transaction { get; set; }
        }

        public static class Sql
        {
            public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text)
            {
                var command = connection.CreateCommand();
                command.CommandText = text;
                command.Transaction = transaction;
                return command;
            }

            public static void Begin(DbSessionHolder session) => session.Transaction = session.Connection.BeginTransaction();
        }

        public class Importer
        {
            private readonly HttpClient _http;
            public Importer(HttpClient http) { _http = http; }

            public async Task Import(NpgsqlConnection connection)
            {
                await using (var tx = await connection.BeginTransactionAsync())
                {
                    await Sql.Command(connection, tx, "insert into imports default values").ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }

                await Sql.Command(connection, null, "vacuum imports").ExecuteNonQueryAsync();
                await _http.GetAsync("https://imports.invalid/done");
            }

            public async Task Sync(DbSessionHolder session)
            {
                Sql.Begin(session);
                INSIDE
                session.Transaction!.Commit();
                await _http.GetAsync("https://imports.invalid/synced");
            }
        }
        """;

    [Fact]
    public Task Command_helper_storing_the_caller_s_transaction_opens_nothing() => Verify.VerifyAsync(
        CommandHelpers.Replace("INSIDE", ""));

    [Fact]
    public Task Session_helper_storing_the_transaction_it_begins_opens_a_region() => Verify.VerifyAsync(
        CommandHelpers.Replace("INSIDE", """await {|#0:_http.GetAsync("https://imports.invalid/syncing")|};"""),
        Verify.Diagnostic("JS0003"));
}
