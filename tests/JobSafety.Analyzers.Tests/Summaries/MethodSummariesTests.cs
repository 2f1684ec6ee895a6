using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Summaries;

/// <summary>Through calls: a source method that performs a side effect, called inside a region, is reported at the call site.</summary>
public class MethodSummariesTests
{
    private const string Prelude = """
        using System;
        using System.Threading.Tasks;
        using Hangfire;
        using Npgsql;

        """;

    private const string Jobs = """

        public static class Jobs { public static void Run(int id) { } }
        """;

    private const string CommentService = """
        public class CommentService
        {
            public void Create(int id)
            {
                Save(id);
                NotifyAuthor(id);
            }

            private void Save(int id) { }

            private void NotifyAuthor(int id) => BackgroundJob.Enqueue(() => Jobs.Run(id));
        }

        """;

    [Fact]
    public Task Chain_is_reported_at_the_call_site_with_the_chain_in_the_message() => Verify.VerifyAsync(Prelude + CommentService + """
        public class Controller
        {
            public void Post(NpgsqlConnection conn, CommentService comments)
            {
                using var tx = conn.BeginTransaction();
                {|#0:comments.Create(1)|};
                tx.Commit();
                comments.Create(2);
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0).WithMessage(
            "'CommentService.Create' → 'NotifyAuthor' → 'BackgroundJob.Enqueue' enqueues a background job while the transaction opened by 'conn.BeginTransaction()' (line 21) is still open: the job or message can be handled before the commit, or after a rollback. Defer it with AfterCommit or move it after Commit()."));

    [Fact]
    public Task Chain_outside_a_region_is_not_reported() => Verify.VerifyAsync(Prelude + CommentService + """
        public class Controller
        {
            public void Post(CommentService comments) => comments.Create(1);
        }
        """ + Jobs);

    [Fact]
    public Task Each_category_of_a_callee_is_reported_once() => Verify.VerifyAsync(Prelude + """
        public class Signup
        {
            public async Task Register(System.Net.Http.HttpClient http, System.Net.Mail.SmtpClient smtp)
            {
                BackgroundJob.Enqueue(() => Jobs.Run(1));
                BackgroundJob.Enqueue(() => Jobs.Run(2));
                await smtp.SendMailAsync(new System.Net.Mail.MailMessage());
                await http.GetAsync("https://example.com");
            }
        }

        public class Controller
        {
            public async Task Post(NpgsqlConnection conn, Signup signup, System.Net.Http.HttpClient http, System.Net.Mail.SmtpClient smtp)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:signup.Register(http, smtp)|};
                await tx.CommitAsync();
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0002", 0), Verify.Diagnostic("JS0003", 0));

    private const string DeepChain = """
        public class A { private readonly B _b = new(); public void Run() => _b.Run(); }
        public class B { private readonly C _c = new(); public void Run() => _c.Run(); }
        public class C { public void Run() => BackgroundJob.Enqueue(() => Jobs.Run(1)); }
        public class Direct { public void Run() => BackgroundJob.Enqueue(() => Jobs.Run(1)); }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, A a, Direct direct)
            {
                using var tx = conn.BeginTransaction();
                {|#0:a.Run()|};
                {|#1:direct.Run()|};
                {|#2:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                tx.Commit();
            }
        }
        """;

    [Fact]
    public Task Default_depth_follows_three_calls() => Verify.VerifyAsync(Prelude + DeepChain + Jobs,
        Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2));

    [Fact]
    public Task Depth_two_stops_short_of_the_third_call() => Verify.VerifyAsync(Prelude + DeepChain + Jobs, "jobsafety.call_depth = 2\n",
        Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2));

    [Fact]
    public Task Depth_one_reports_only_callees_that_do_it_themselves() => Verify.VerifyAsync(Prelude + DeepChain + Jobs, "jobsafety.call_depth = 1\n",
        Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2));

    [Fact]
    public Task Depth_zero_reports_only_direct_calls() => Verify.VerifyAsync(Prelude + DeepChain + Jobs, "jobsafety.call_depth = 0\n",
        Verify.Diagnostic("JS0001", 2));

    [Fact]
    public Task Recursion_terminates_and_still_finds_the_side_effect() => Verify.VerifyAsync(Prelude + """
        public class Tree
        {
            public void Visit(int depth)
            {
                if (depth > 0)
                {
                    Visit(depth - 1);
                    Other(depth);
                }

                BackgroundJob.Enqueue(() => Jobs.Run(depth));
            }

            private void Other(int depth) => Visit(depth - 2);

            public void Quiet(int n) { if (n > 0) { Quiet(n - 1); } }
        }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, Tree tree)
            {
                using var tx = conn.BeginTransaction();
                {|#0:tree.Visit(3)|};
                tree.Quiet(3);
                tx.Commit();
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Interface_with_a_single_source_implementation_is_followed() => Verify.VerifyAsync(Prelude + """
        public interface INotifier { void OrderPlaced(int id); }
        public sealed class HangfireNotifier : INotifier { public void OrderPlaced(int id) => BackgroundJob.Enqueue(() => Jobs.Run(id)); }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, INotifier notifier)
            {
                using var tx = conn.BeginTransaction();
                {|#0:notifier.OrderPlaced(1)|};
                tx.Commit();
                notifier.OrderPlaced(2);
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Interface_with_two_implementations_is_not_followed() => Verify.VerifyAsync(Prelude + """
        public interface INotifier { void OrderPlaced(int id); }
        public sealed class HangfireNotifier : INotifier { public void OrderPlaced(int id) => BackgroundJob.Enqueue(() => Jobs.Run(id)); }
        public sealed class NullNotifier : INotifier { public void OrderPlaced(int id) { } }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, INotifier notifier)
            {
                using var tx = conn.BeginTransaction();
                notifier.OrderPlaced(1);
                tx.Commit();
            }
        }
        """ + Jobs);

    [Fact]
    public Task Callee_that_defers_its_side_effect_is_not_reported() => Verify.VerifyAsync(Prelude + """
        namespace JobSafety { public static class TransactionEvents { public static void AfterCommit(System.Action a) { } } }
        public class Notifier
        {
            public void OrderPlaced(int id) => JobSafety.TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Jobs.Run(id)));
            public void Later(Order order, int id) => order.Committed += (s, e) => BackgroundJob.Enqueue(() => Jobs.Run(id));
        }

        public class Order { public event EventHandler? Committed; }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, Notifier notifier, Order order)
            {
                using var tx = conn.BeginTransaction();
                notifier.OrderPlaced(1);
                notifier.Later(order, 1);
                tx.Commit();
            }
        }
        """ + Jobs);

    [Fact]
    public Task Repository_taking_the_transaction_is_reported_once_inside_itself() => Verify.VerifyAsync(Prelude + """
        public class OrderRepository
        {
            public void Save(System.Data.IDbConnection conn, System.Data.IDbTransaction tx, int id)
            {
                Dapper.SqlMapper.Execute(conn, "insert into orders values (@id)", new { id }, tx);
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(id))|};
            }
        }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, OrderRepository orders)
            {
                using var tx = conn.BeginTransaction();
                orders.Save(conn, tx, 1);
                tx.Commit();
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Callee_that_commits_its_own_transaction_before_the_side_effect_is_not_reported_at_the_caller() => Verify.VerifyAsync(Prelude + """
        public class OrderService
        {
            public void Place(NpgsqlConnection conn, int id)
            {
                using (var tx = conn.BeginTransaction())
                {
                    tx.Commit();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(id));
            }
        }

        public class Controller
        {
            public void Post(NpgsqlConnection conn, OrderService orders)
            {
                orders.Place(conn, 1);
            }
        }
        """ + Jobs);

    [Fact]
    public Task Unit_of_work_commit_that_publishes_after_committing_is_not_reported_at_the_call() => Verify.VerifyAsync(Prelude + "using Microsoft.EntityFrameworkCore;\n" + """
        public sealed class UnitOfWork
        {
            private readonly DbContext _db;
            private readonly MassTransit.IPublishEndpoint _bus;
            private Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? _tx;

            public UnitOfWork(DbContext db, MassTransit.IPublishEndpoint bus) { _db = db; _bus = bus; }

            public async Task BeginAsync() => _tx = await _db.Database.BeginTransactionAsync();

            public async Task CommitAsync()
            {
                await _db.SaveChangesAsync();
                await _tx!.CommitAsync();
                await _bus.Publish(new object());
            }
        }

        public class Handler
        {
            public async Task Handle(UnitOfWork uow, MassTransit.IPublishEndpoint bus)
            {
                await uow.BeginAsync();
                await {|#0:bus.Publish(new object())|};
                await uow.CommitAsync();
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0001", 0));
}
