using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Regions;

/// <summary>One test (with its negative twin) per row of the region table in RULES.md.</summary>
public class RegionAnalysisTests
{
    internal const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using System.Transactions;
        using Hangfire;
        using Npgsql;
        using Microsoft.EntityFrameworkCore;
        using Dapper;
        public static class Jobs { public static void Run(int id) { } }

        """;

    // ---- TransactionScope ----

    [Fact]
    public Task Scope_using_statement_reports_before_and_after_Complete() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using (var scope = new TransactionScope())
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    scope.Complete();
                    {|#1:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                }
            }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Scope_using_statement_code_after_the_block_is_not_reported() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using (var scope = new TransactionScope())
                {
                    scope.Complete();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """);

    [Fact]
    public Task Scope_using_declaration_reports_to_the_end_of_the_block() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(bool ok)
            {
                if (ok)
                {
                    using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    scope.Complete();
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Scope_using_declaration_before_it_is_not_reported() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                BackgroundJob.Enqueue(() => Jobs.Run(1));
                using var scope = new TransactionScope();
                scope.Complete();
            }
        }
        """);

    [Fact]
    public Task Scope_manual_dispose_reports_until_Dispose() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                var scope = new TransactionScope();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                scope.Complete();
                scope.Dispose();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Scope_disposed_on_one_path_only_is_still_open_on_the_other() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(bool ok)
            {
                var scope = new TransactionScope();
                if (ok)
                {
                    scope.Dispose();
                }

                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Suppress_at_top_level_is_not_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using (var scope = new TransactionScope(TransactionScopeOption.Suppress))
                {
                    BackgroundJob.Enqueue(() => Jobs.Run(1));
                    scope.Complete();
                }

                using var other = new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """);

    [Fact]
    public Task Suppress_and_RequiresNew_nested_in_a_region_are_still_in_the_outer_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using (var outer = new TransactionScope())
                {
                    using (var inner = new TransactionScope(TransactionScopeOption.Suppress))
                    {
                        {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    }

                    using (var inner = new TransactionScope(TransactionScopeOption.RequiresNew))
                    {
                        inner.Complete();
                    }

                    {|#1:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                    outer.Complete();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Scope_without_a_variable_is_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using (new TransactionScope())
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- DbTransaction ----

    [Fact]
    public Task BeginTransaction_then_Commit_reports_only_before_Commit() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Code_before_BeginTransaction_is_not_reported() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(System.Data.Common.DbConnection conn)
            {
                BackgroundJob.Enqueue(() => Jobs.Run(1));
                using var tx = conn.BeginTransaction();
                tx.Commit();
            }
        }
        """);

    [Fact]
    public Task Await_using_BeginTransactionAsync_then_CommitAsync_reports_only_before_commit() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public async Task M(NpgsqlConnection conn)
            {
                await using var tx = await conn.BeginTransactionAsync();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                await tx.CommitAsync().ConfigureAwait(false);
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task IDbConnection_BeginTransaction_is_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(System.Data.IDbConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Commit_in_a_branch_leaves_the_other_path_open() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, bool ok)
            {
                var tx = conn.BeginTransaction();
                if (ok)
                {
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Run(1));
                }

                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Commit_on_both_branches_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, bool ok)
            {
                var tx = conn.BeginTransaction();
                if (ok)
                {
                    tx.Commit();
                }
                else
                {
                    tx.Rollback();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """);

    [Fact]
    public Task Try_catch_with_Rollback() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                try
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    tx.Commit();
                }
                catch
                {
                    tx.Rollback();
                    BackgroundJob.Enqueue(() => Jobs.Run(2));
                }

                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Try_catch_without_Rollback_leaves_the_code_after_it_open() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                try
                {
                    tx.Commit();
                }
                catch (InvalidOperationException)
                {
                    Console.WriteLine("failed");
                }

                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(3))|};
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Try_catch_rethrow_after_RollbackAsync_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public async Task M(NpgsqlConnection conn)
            {
                await using var tx = await conn.BeginTransactionAsync();
                try
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    await tx.CommitAsync();
                }
                catch
                {
                    await tx.RollbackAsync();
                    throw;
                }

                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Rollback_to_a_savepoint_keeps_the_transaction_open() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                tx.Save("sp");
                tx.Rollback("sp");
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- EF Core ----

    [Fact]
    public Task EfCore_BeginTransaction_is_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                using var tx = db.Database.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                db.SaveChanges();
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task EfCore_BeginTransactionAsync_then_CommitAsync() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            private readonly DbContext _context;
            public S(DbContext context) => _context = context;

            public async Task M()
            {
                await using var transaction = await _context.Database.BeginTransactionAsync();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                await _context.SaveChangesAsync();
                await transaction.CommitAsync();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task EfCore_CommitTransaction_on_the_facade_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                db.Database.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                db.Database.CommitTransaction();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task EfCore_UseTransaction_is_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            private static System.Data.Common.DbTransaction Shared() => throw new NotSupportedException();

            public void M(DbContext db)
            {
                BackgroundJob.Enqueue(() => Jobs.Run(0));
                var tx = db.Database.UseTransaction(Shared());
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx!.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task EfCore_UseTransaction_null_is_not_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                db.Database.UseTransaction(null);
                BackgroundJob.Enqueue(() => Jobs.Run(1));
            }
        }
        """);

    [Fact]
    public Task Execution_strategy_lambda_with_its_own_transaction() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                strategy.Execute(() =>
                {
                    using var tx = db.Database.BeginTransaction();
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Run(2));
                });
                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Execution_strategy_async_lambda_with_its_own_transaction() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public async Task M(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    await tx.CommitAsync();
                    BackgroundJob.Enqueue(() => Jobs.Run(2));
                });
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task ExecuteInTransaction_operation_runs_in_a_transaction_verifySucceeded_does_not() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                strategy.ExecuteInTransaction(
                    () => { {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|}; },
                    () => { BackgroundJob.Enqueue(() => Jobs.Run(2)); return true; });
                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Execution_strategy_lambda_without_a_transaction_is_not_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                strategy.Execute(() =>
                {
                    db.SaveChanges();
                    BackgroundJob.Enqueue(() => Jobs.Run(1));
                });
            }
        }
        """);

    // ---- transaction parameters ----

    [Fact]
    public Task Transaction_parameters_make_the_whole_body_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void A(System.Data.Common.DbTransaction tx) { {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|}; }
            public void B(System.Data.IDbTransaction tx) { {|#1:BackgroundJob.Enqueue(() => Jobs.Run(2))|}; }
            public void C(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx) { {|#2:BackgroundJob.Enqueue(() => Jobs.Run(3))|}; }
            public void D(NpgsqlTransaction tx) { {|#3:BackgroundJob.Enqueue(() => Jobs.Run(4))|}; }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2), Verify.Diagnostic("JS0001", 3));

    [Fact]
    public Task Optional_null_transaction_parameter_is_not_a_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void A(int id, System.Data.IDbTransaction? tx = null) { BackgroundJob.Enqueue(() => Jobs.Run(id)); }
            public void B(NpgsqlConnection conn) { BackgroundJob.Enqueue(() => Jobs.Run(2)); }
        }
        """);

    [Fact]
    public Task Transaction_parameter_committed_in_the_method_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void A(System.Data.Common.DbTransaction tx)
            {
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- jobsafety.transaction_methods ----

    private const string UnitOfWork = """
        namespace Acme
        {
            public class UnitOfWork
            {
                public void Run(Action action) => action();
                public Task RunAsync(Func<Task> action) => action();
            }
        }
        """;

    [Fact]
    public Task Transaction_methods_option_makes_delegate_bodies_a_region() => Verify.VerifyAsync(Prelude + UnitOfWork + """
        public class S
        {
            public async Task M(Acme.UnitOfWork uow)
            {
                uow.Run(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|});
                await uow.RunAsync(async () => { await Task.Yield(); {|#1:BackgroundJob.Enqueue(() => Jobs.Run(2))|}; });
                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, "jobsafety.transaction_methods = M:Acme.UnitOfWork.Run(System.Action), T:Acme.UnitOfWork\n", Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Without_the_transaction_methods_option_delegate_bodies_are_not_a_region() => Verify.VerifyAsync(Prelude + UnitOfWork + """
        public class S
        {
            public void M(Acme.UnitOfWork uow)
            {
                uow.Run(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
            }
        }
        """);

    // ---- loops and early returns ----

    [Fact]
    public Task Transaction_per_loop_iteration() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, int[] ids)
            {
                foreach (var id in ids)
                {
                    using var tx = conn.BeginTransaction();
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(id))|};
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Run(-id));
                }

                BackgroundJob.Enqueue(() => Jobs.Run(0));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Loop_inside_a_transaction() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, int[] ids)
            {
                using var tx = conn.BeginTransaction();
                for (var i = 0; i < ids.Length; i++)
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(i))|};
                }

                tx.Commit();
                foreach (var id in ids)
                {
                    BackgroundJob.Enqueue(() => Jobs.Run(id));
                }
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Early_return_after_Rollback() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, bool valid)
            {
                using var tx = conn.BeginTransaction();
                if (!valid)
                {
                    tx.Rollback();
                    BackgroundJob.Enqueue(() => Jobs.Run(0));
                    return;
                }

                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Early_return_out_of_a_scope_disposes_it() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(bool valid)
            {
                using (var scope = new TransactionScope())
                {
                    if (!valid)
                    {
                        return;
                    }

                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    scope.Complete();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- conditional access, fields ----

    [Fact]
    public Task Conditional_Commit_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                NpgsqlTransaction? tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                tx?.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
                tx?.Dispose();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Null_checked_Commit_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, bool transactional)
            {
                NpgsqlTransaction? tx = transactional ? conn.BeginTransaction() : null;
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                if (tx != null)
                {
                    tx.Commit();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Commit_through_a_field() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            private NpgsqlTransaction? _tx;

            public void M(NpgsqlConnection conn)
            {
                _tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                _tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Unit_of_work_commit_method_is_not_a_region() => Verify.VerifyAsync(Prelude + """
        public sealed class UnitOfWork : IDisposable
        {
            private readonly NpgsqlConnection _connection;
            private NpgsqlTransaction? _transaction;

            public UnitOfWork(NpgsqlConnection connection) => _connection = connection;

            public void Begin() => _transaction = _connection.BeginTransaction();

            public void Commit()
            {
                _transaction?.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(1));
            }

            public void Dispose() => _transaction?.Dispose();
        }
        """);

    // ---- code defined in a region that does not run there ----

    [Fact]
    public Task Hangfire_expression_lambda_body_is_not_a_region_but_the_enqueue_is() => Verify.VerifyAsync(Prelude + """
        public class Mailer { public void Send(System.Net.Mail.SmtpClient smtp) => smtp.Send("a@b.c", "d@e.f", "s", "b"); }
        public class S
        {
            public void M(NpgsqlConnection conn, System.Net.Mail.SmtpClient smtp)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue<Mailer>(m => m.Send(smtp))|};
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    internal const string Deferral = """
        namespace JobSafety
        {
            public static class TransactionEvents
            {
                public static void AfterCommit(System.Action a) { }
                public static void AfterRollback(System.Action a) { }
                public static void BeforeCommit(System.Action a) { }
            }
        }

        """;

    [Fact]
    public Task AfterCommit_callbacks_are_deferred() => Verify.VerifyAsync(Prelude + Deferral + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                JobSafety.TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
                JobSafety.TransactionEvents.AfterRollback(() => BackgroundJob.Enqueue(() => Jobs.Run(2)));
                tx.Commit();
            }
        }
        """);

    [Fact]
    public Task BeforeCommit_callbacks_run_in_the_transaction() => Verify.VerifyAsync(Prelude + Deferral + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                JobSafety.TransactionEvents.BeforeCommit(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|});
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task TransactionCompleted_handlers_are_deferred() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M()
            {
                using var scope = new TransactionScope();
                Transaction.Current!.TransactionCompleted += (sender, e) => BackgroundJob.Enqueue(() => Jobs.Run(1));
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                scope.Complete();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Event_subscriptions_are_deferred() => Verify.VerifyAsync(Prelude + """
        public class Order { public event EventHandler? Shipped; }
        public class S
        {
            public void M(NpgsqlConnection conn, Order order)
            {
                using var tx = conn.BeginTransaction();
                order.Shipped += (s, e) => BackgroundJob.Enqueue(() => Jobs.Run(1));
                order.Shipped += OnShipped;
                tx.Commit();
            }

            private void OnShipped(object? sender, EventArgs e) => BackgroundJob.Enqueue(() => Jobs.Run(2));
        }
        """);

    [Fact]
    public Task Deferred_methods_option_defers_delegate_arguments() => Verify.VerifyAsync(Prelude + """
        namespace Acme { public interface IOutbox { void OnCommitted(Action a); } }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.IOutbox outbox)
            {
                using var tx = conn.BeginTransaction();
                outbox.OnCommitted(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
                tx.Commit();
            }
        }
        """, "jobsafety.deferred_methods = M:Acme.IOutbox.OnCommitted(System.Action)\n");

    [Fact]
    public Task Without_the_deferred_methods_option_the_delegate_runs_in_the_region() => Verify.VerifyAsync(Prelude + """
        namespace Acme { public interface IOutbox { void OnCommitted(Action a); } }
        public class S
        {
            public void M(NpgsqlConnection conn, Acme.IOutbox outbox)
            {
                using var tx = conn.BeginTransaction();
                outbox.OnCommitted(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|});
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task ForEach_LINQ_and_Parallel_lambdas_run_in_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, List<int> ids)
            {
                using var tx = conn.BeginTransaction();
                ids.ForEach(id => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(id))|});
                var jobIds = ids.Select(id => {|#1:BackgroundJob.Enqueue(() => Jobs.Run(id))|}).ToList();
                System.Threading.Tasks.Parallel.ForEach(ids, id => {|#2:BackgroundJob.Enqueue(() => Jobs.Run(id))|});
                tx.Commit();
                ids.ForEach(id => BackgroundJob.Enqueue(() => Jobs.Run(id)));
            }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2));

    [Fact]
    public Task Local_function_called_only_after_commit_is_not_in_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                void Notify() => BackgroundJob.Enqueue(() => Jobs.Run(1));
                tx.Commit();
                Notify();
            }
        }
        """);

    [Fact]
    public Task Local_function_called_in_the_region_is_in_it() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                Notify();
                tx.Commit();

                void Notify() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Helper_that_wraps_a_scope_around_its_callback_makes_the_lambda_a_region() => Verify.VerifyAsync(Prelude + """
        public static class Tx
        {
            public static void InTransaction(Action work)
            {
                using var scope = new TransactionScope();
                work();
                scope.Complete();
            }

            public static async Task InTransactionAsync(Func<Task> work)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                await work();
                scope.Complete();
            }
        }

        public class S
        {
            public async Task M()
            {
                Tx.InTransaction(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|});
                await Tx.InTransactionAsync(async () => { await Task.Yield(); {|#1:BackgroundJob.Enqueue(() => Jobs.Run(2))|}; });
                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task Helper_that_only_stores_the_callback_defers_it() => Verify.VerifyAsync(Prelude + """
        public class Hooks
        {
            private readonly List<Action> _afterCommit = new();
            private Action? _last;

            public void OnCommit(Action callback) => _afterCommit.Add(callback);

            public void Remember(Action callback) => _last = callback;

            public void Fire()
            {
                foreach (var a in _afterCommit) a();
                _last?.Invoke();
            }
        }

        public class S
        {
            public void M(NpgsqlConnection conn, Hooks hooks)
            {
                using var tx = conn.BeginTransaction();
                hooks.OnCommit(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
                hooks.Remember(() => BackgroundJob.Enqueue(() => Jobs.Run(2)));
                tx.Commit();
            }
        }
        """);

    [Fact]
    public Task Helper_that_invokes_the_callback_without_a_transaction_runs_it_where_it_is_called() => Verify.VerifyAsync(Prelude + """
        public static class Retry
        {
            public static void Run(Action work) { for (var i = 0; i < 3; i++) { try { work(); return; } catch (InvalidOperationException) { } } }
        }

        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                Retry.Run(() => BackgroundJob.Enqueue(() => Jobs.Run(1)));
                using var tx = conn.BeginTransaction();
                Retry.Run(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|});
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- real-world shapes that must stay quiet ----

    [Fact]
    public Task Aspnet_service_publishing_after_CommitAsync_is_not_reported() => Verify.VerifyAsync(Prelude + """
        public record OrderPlaced(int Id);
        public class OrderService
        {
            private readonly DbContext _context;
            private readonly MassTransit.IPublishEndpoint _publishEndpoint;

            public OrderService(DbContext context, MassTransit.IPublishEndpoint publishEndpoint)
            {
                _context = context;
                _publishEndpoint = publishEndpoint;
            }

            public async Task PlaceAsync(int id)
            {
                await using var transaction = await _context.Database.BeginTransactionAsync();
                try
                {
                    await _context.SaveChangesAsync();
                    await transaction.CommitAsync();
                }
                catch
                {
                    await transaction.RollbackAsync();
                    throw;
                }

                await _publishEndpoint.Publish(new OrderPlaced(id));
            }
        }
        """);

    [Fact]
    public Task Dapper_calls_taking_the_transaction_are_not_side_effects() => Verify.VerifyAsync(Prelude + """
        public class Repository
        {
            public void Save(System.Data.IDbConnection conn, System.Data.IDbTransaction tx, int id)
            {
                conn.Execute("insert into t values (@id)", new { id }, tx);
                var n = conn.QuerySingle<int>("select count(*) from t", null, tx);
            }

            public void Run(NpgsqlConnection conn)
            {
                conn.Open();
                using var tx = conn.BeginTransaction();
                Save(conn, tx, 1);
                conn.Execute("update t set x = 1", null, tx);
                tx.Commit();
            }
        }
        """);

    // ---- unit of work and helpers that begin or end the transaction ----

    private const string UnitOfWorkClass = """
        public interface IUnitOfWork
        {
            Task BeginTransactionAsync();
            Task CommitAsync();
            Task RollbackAsync();
        }

        public sealed class EfUnitOfWork : IUnitOfWork
        {
            private readonly DbContext _context;
            private Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? _transaction;

            public EfUnitOfWork(DbContext context) => _context = context;

            public async Task BeginTransactionAsync() => _transaction = await _context.Database.BeginTransactionAsync();

            public async Task CommitAsync()
            {
                await _context.SaveChangesAsync();
                if (_transaction != null)
                {
                    await _transaction.CommitAsync();
                }
            }

            public async Task RollbackAsync()
            {
                if (_transaction != null)
                {
                    await _transaction.RollbackAsync();
                }
            }
        }

        """;

    [Fact]
    public Task Unit_of_work_begin_and_commit_bound_a_region() => Verify.VerifyAsync(Prelude + UnitOfWorkClass + """
        public class OrderService
        {
            private readonly IUnitOfWork _unitOfWork;
            private readonly MassTransit.IPublishEndpoint _bus;

            public OrderService(IUnitOfWork unitOfWork, MassTransit.IPublishEndpoint bus) { _unitOfWork = unitOfWork; _bus = bus; }

            public async Task PlaceAsync(int id)
            {
                await _bus.Publish(new object());
                await _unitOfWork.BeginTransactionAsync();
                try
                {
                    await {|#0:_bus.Publish(new object())|};
                    await _unitOfWork.CommitAsync();
                }
                catch
                {
                    await _unitOfWork.RollbackAsync();
                    throw;
                }

                await _bus.Publish(new object());
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Commit_through_a_helper_that_takes_the_transaction_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                Finish(tx);
                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }

            private static void Finish(System.Data.IDbTransaction transaction)
            {
                transaction.Commit();
                transaction.Dispose();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Nested_method_with_its_own_transaction_does_not_close_the_outer_one() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                using var scope = new TransactionScope();
                SaveAudit(conn);
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                scope.Complete();
            }

            private static void SaveAudit(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Lambda_stored_in_a_local_runs_where_it_is_invoked() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public async Task M(NpgsqlConnection conn, MassTransit.IPublishEndpoint bus)
            {
                Func<Task> notify = () => bus.Publish(new object());
                Action enqueue = () => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                await using var tx = await conn.BeginTransactionAsync();
                enqueue();
                await tx.CommitAsync();
                await notify();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Unit_of_work_over_the_EF_current_transaction() => Verify.VerifyAsync(Prelude + """
        public sealed class UnitOfWork
        {
            private readonly DbContext _db;
            public UnitOfWork(DbContext db) => _db = db;
            public Task BeginAsync() => _db.Database.BeginTransactionAsync();
            public Task CommitAsync() => _db.Database.CommitTransactionAsync();
        }

        public class Handler
        {
            public async Task Handle(UnitOfWork uow, System.Net.Http.HttpClient http)
            {
                await uow.BeginAsync();
                await {|#0:http.GetAsync("https://example.com")|};
                await uow.CommitAsync();
                await http.GetAsync("https://example.com");
            }
        }
        """, Verify.Diagnostic("JS0003", 0));

    [Fact]
    public Task Helper_that_begins_and_commits_inside_itself_opens_nothing_for_its_caller() => Verify.VerifyAsync(Prelude + """
        public sealed class Orders
        {
            private readonly NpgsqlConnection _conn;
            private NpgsqlTransaction? _tx;
            public Orders(NpgsqlConnection conn) => _conn = conn;

            public void SaveAll()
            {
                _tx = _conn.BeginTransaction();
                _tx.Commit();
            }

            public void SaveWithScope()
            {
                using var scope = new TransactionScope();
                scope.Complete();
            }
        }

        public class Handler
        {
            public void Handle(Orders orders)
            {
                orders.SaveAll();
                orders.SaveWithScope();
                BackgroundJob.Enqueue(() => Jobs.Run(1));
            }
        }
        """);

    [Fact]
    public Task Scope_from_a_factory_is_a_region() => Verify.VerifyAsync(Prelude + """
        public static class Scopes
        {
            public static TransactionScope ReadCommitted() =>
                new TransactionScope(TransactionScopeOption.Required, new TransactionOptions { IsolationLevel = System.Transactions.IsolationLevel.ReadCommitted });

            public static TransactionScope NoTransaction() => new TransactionScope(TransactionScopeOption.Suppress);
        }

        public class S
        {
            public void M()
            {
                using (var scope = Scopes.ReadCommitted())
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    scope.Complete();
                }

                using (var none = Scopes.NoTransaction())
                {
                    BackgroundJob.Enqueue(() => Jobs.Run(2));
                }

                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Dispose_in_finally_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                try
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    tx.Commit();
                }
                finally
                {
                    tx.Dispose();
                    conn.Close();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    // ---- other transaction APIs recognised by symbol (stand-ins: the packages do not restore here) ----

    [Fact]
    public Task NHibernate_session_transaction_is_a_region() => JobSafety.Analyzers.Tests.SideEffects.StandInLibrary.VerifyAsync("""
        // Stand-in for NHibernate (not restorable here).
        namespace NHibernate
        {
            public interface ITransaction : System.IDisposable { void Commit(); void Rollback(); }
            public interface ISession { ITransaction BeginTransaction(); void Save(object entity); }
        }
        """, Prelude + """
        public class S
        {
            public void M(NHibernate.ISession session)
            {
                using (var tx = session.BeginTransaction())
                {
                    session.Save(new object());
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    tx.Commit();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, null, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Entity_Framework_6_transaction_is_a_region() => JobSafety.Analyzers.Tests.SideEffects.StandInLibrary.VerifyAsync("""
        // Stand-in for EntityFramework 6 (not restorable here).
        namespace System.Data.Entity
        {
            public class DbContextTransaction : System.IDisposable { public void Commit() { } public void Rollback() { } public void Dispose() { } }
            public class Database { public DbContextTransaction BeginTransaction() => new DbContextTransaction(); }
            public class DbContext { public Database Database { get; } = new Database(); public int SaveChanges() => 0; }
        }
        """, Prelude + """
        public class S
        {
            public void M(System.Data.Entity.DbContext db)
            {
                using (var tx = db.Database.BeginTransaction())
                {
                    db.SaveChanges();
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    tx.Commit();
                }

                BackgroundJob.Enqueue(() => Jobs.Run(2));
            }
        }
        """, null, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Transaction_methods_listed_on_an_interface_apply_to_its_implementations() => Verify.VerifyAsync(Prelude + """
        namespace Acme
        {
            public interface ITransactionRunner { void Run(Action action); }
            public sealed class DbRunner : ITransactionRunner { public void Run(Action action) => action(); }
            public interface IAfterCommit { void Add(Action action); }
            public sealed class AfterCommitList : IAfterCommit { public void Add(Action action) => action(); }
        }

        public class S
        {
            public void M(Acme.DbRunner runner, Acme.AfterCommitList after, NpgsqlConnection conn)
            {
                runner.Run(() => {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|});
                using var tx = conn.BeginTransaction();
                after.Add(() => BackgroundJob.Enqueue(() => Jobs.Run(2)));
                tx.Commit();
            }
        }
        """, "jobsafety.transaction_methods = T:Acme.ITransactionRunner\njobsafety.deferred_methods = M:Acme.IAfterCommit.Add(System.Action)\n", Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Commit_inside_a_lambda_that_runs_during_the_call_closes_the_region() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public async Task M(DbContext db, MassTransit.IPublishEndpoint bus)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await using var transaction = await db.Database.BeginTransactionAsync();
                await strategy.ExecuteAsync(async () =>
                {
                    await db.SaveChangesAsync();
                    await {|#0:bus.Publish(new object())|};
                    await transaction.CommitAsync();
                });
                await bus.Publish(new object());
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Lambda_with_its_own_transaction_does_not_close_the_outer_one() => Verify.VerifyAsync(Prelude + """
        public class S
        {
            public void M(NpgsqlConnection conn, List<int> ids)
            {
                using var scope = new TransactionScope();
                ids.ForEach(id =>
                {
                    using var tx = conn.BeginTransaction();
                    tx.Commit();
                });
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                scope.Complete();
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task EfCore_interceptor_callbacks_after_commit_are_not_a_region() => Verify.VerifyAsync(Prelude + """
        public sealed class PublishAfterCommit : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
        {
            private readonly MassTransit.IPublishEndpoint _bus;
            public PublishAfterCommit(MassTransit.IPublishEndpoint bus) => _bus = bus;

            public override async Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, System.Threading.CancellationToken cancellationToken = default)
            {
                await _bus.Publish(new object(), cancellationToken);
            }

            public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData)
            {
                BackgroundJob.Enqueue(() => Jobs.Run(1));
            }

            public override System.Data.Common.DbTransaction TransactionStarted(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, System.Data.Common.DbTransaction result)
            {
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                return result;
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task MongoDB_session_transaction_is_a_region() => JobSafety.Analyzers.Tests.SideEffects.StandInLibrary.VerifyAsync("""
        // Stand-in for MongoDB.Driver (not restorable here).
        namespace MongoDB.Driver
        {
            public interface IClientSessionHandle : System.IDisposable
            {
                void StartTransaction();
                System.Threading.Tasks.Task CommitTransactionAsync(System.Threading.CancellationToken cancellationToken = default);
                System.Threading.Tasks.Task AbortTransactionAsync(System.Threading.CancellationToken cancellationToken = default);
                System.Threading.Tasks.Task<T> WithTransactionAsync<T>(System.Func<IClientSessionHandle, System.Threading.CancellationToken, System.Threading.Tasks.Task<T>> callback, object? options = null, System.Threading.CancellationToken cancellationToken = default);
            }
            public interface IMongoClient { System.Threading.Tasks.Task<IClientSessionHandle> StartSessionAsync(object? options = null, System.Threading.CancellationToken cancellationToken = default); }
        }
        """, Prelude + """
        public class S
        {
            public async Task M(MongoDB.Driver.IMongoClient client, System.Net.Http.HttpClient http)
            {
                using var session = await client.StartSessionAsync();
                await http.GetAsync("https://example.com");
                session.StartTransaction();
                try
                {
                    await {|#0:http.GetAsync("https://example.com")|};
                    await session.CommitTransactionAsync();
                }
                catch
                {
                    await session.AbortTransactionAsync();
                    throw;
                }

                await http.GetAsync("https://example.com");
                await session.WithTransactionAsync(async (s, ct) => { await {|#1:http.GetAsync("https://example.com")|}; return 1; });
            }
        }
        """, null, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));

    [Fact]
    public Task Helper_that_leaks_its_local_transaction_on_an_early_return_opens_nothing_for_its_caller() => Verify.VerifyAsync(Prelude + """
        public sealed class Importer
        {
            public bool Import(NpgsqlConnection conn, bool valid)
            {
                var tx = conn.BeginTransaction();
                if (!valid)
                {
                    return false;
                }

                tx.Commit();
                return true;
            }

            public System.Data.IDbTransaction Open(NpgsqlConnection conn) => conn.BeginTransaction();
        }

        public class Handler
        {
            public void Handle(Importer importer, NpgsqlConnection conn)
            {
                importer.Import(conn, true);
                BackgroundJob.Enqueue(() => Jobs.Run(1));
                var tx = importer.Open(conn);
                {|#0:BackgroundJob.Enqueue(() => Jobs.Run(2))|};
                tx.Commit();
                BackgroundJob.Enqueue(() => Jobs.Run(3));
            }
        }
        """, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Unit_of_work_whose_constructor_begins_the_transaction() => Verify.VerifyAsync(Prelude + """
        public sealed class DapperUnitOfWork : IDisposable
        {
            private readonly NpgsqlConnection _connection;
            private readonly NpgsqlTransaction _transaction;

            public DapperUnitOfWork(string connectionString)
            {
                _connection = new NpgsqlConnection(connectionString);
                _connection.Open();
                _transaction = _connection.BeginTransaction();
            }

            public NpgsqlTransaction Transaction => _transaction;

            public void Commit() => _transaction.Commit();

            public void Dispose()
            {
                _transaction.Dispose();
                _connection.Dispose();
            }
        }

        public class Handler
        {
            public void Handle(string connectionString)
            {
                using (var uow = new DapperUnitOfWork(connectionString))
                {
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    uow.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Run(2));
                }

                using var second = new DapperUnitOfWork(connectionString);
                {|#1:BackgroundJob.Enqueue(() => Jobs.Run(3))|};
            }
        }
        """, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));
}
