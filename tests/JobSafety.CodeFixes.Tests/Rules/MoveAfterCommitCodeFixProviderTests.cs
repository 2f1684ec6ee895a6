using Verify = JobSafety.CodeFixes.Tests.Infrastructure.CodeFixVerifier<JobSafety.CodeFixes.Rules.MoveAfterCommitCodeFixProvider>;

namespace JobSafety.CodeFixes.Tests.Rules;

public class MoveAfterCommitCodeFixProviderTests
{
    [Fact]
    public Task Sync_BeginTransaction_moves_after_Commit_with_its_comments() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                // tell the author
                {|#0:BackgroundJob.Enqueue(() => Notify(id))|}; // fire and forget
                Save(conn, id);
                tx.Commit();
                Log(id);
            }

            private static void Save(NpgsqlConnection conn, int id) { }
            private static void Log(int id) { }
            public static void Notify(int id) { }
        }
        """, """
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                Save(conn, id);
                tx.Commit();
                // tell the author
                BackgroundJob.Enqueue(() => Notify(id)); // fire and forget
                Log(id);
            }

            private static void Save(NpgsqlConnection conn, int id) { }
            private static void Log(int id) { }
            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") }, withRuntime: false);

    [Fact]
    public Task Async_BeginTransactionAsync_moves_after_awaited_CommitAsync() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:http.PostAsync("https://example.invalid/hook", null)|};
                await tx.CommitAsync().ConfigureAwait(false);
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await tx.CommitAsync().ConfigureAwait(false);
                await http.PostAsync("https://example.invalid/hook", null);
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task TransactionScope_using_statement_moves_after_the_block_and_is_reindented() => Verify.VerifyFixAsync("""
        using System.Net.Mail;
        using System.Transactions;

        public class Mailer
        {
            public void Save(SmtpClient smtp, MailMessage message)
            {
                using (var scope = new TransactionScope())
                {
                    // tell the author
                    {|#0:smtp.Send(
                        message)|};
                    scope.Complete();
                }
            }
        }
        """, """
        using System.Net.Mail;
        using System.Transactions;

        public class Mailer
        {
            public void Save(SmtpClient smtp, MailMessage message)
            {
                using (var scope = new TransactionScope())
                {
                    scope.Complete();
                }
                // tell the author
                smtp.Send(
                    message);
            }
        }
        """, new[] { Verify.Diagnostic("JS0002") });

    [Fact]
    public Task TransactionScope_using_declaration_in_a_nested_block_moves_after_the_block() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public class Hooks
        {
            public async Task Save(HttpClient http)
            {
                {
                    using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    await {|#0:http.DeleteAsync("https://example.invalid/cache")|};
                    scope.Complete();
                }
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public class Hooks
        {
            public async Task Save(HttpClient http)
            {
                {
                    using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    scope.Complete();
                }
                await http.DeleteAsync("https://example.invalid/cache");
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task Not_offered_for_a_using_declaration_that_ends_with_the_method() => Verify.VerifyNoFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;

        public class Hooks
        {
            public async Task Save(HttpClient http)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                await {|#0:http.DeleteAsync("https://example.invalid/cache")|};
                scope.Complete();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task Ef_core_BeginTransactionAsync_moves_after_CommitAsync() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Orders
        {
            public async Task Place(DbContext db, HttpClient http)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                var response = await {|#0:http.PostAsync("https://example.invalid/orders", null)|};
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                response.EnsureSuccessStatusCode();
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Orders
        {
            public async Task Place(DbContext db, HttpClient http)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                var response = await http.PostAsync("https://example.invalid/orders", null);
                response.EnsureSuccessStatusCode();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task Execution_strategy_lambda() => Verify.VerifyFixAsync("""
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class Orders
        {
            public async Task Place(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    {|#0:BackgroundJob.Enqueue(() => Ship(7))|};
                    await db.SaveChangesAsync();
                    await tx.CommitAsync();
                });
            }

            public static void Ship(int id) { }
        }
        """, """
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class Orders
        {
            public async Task Place(DbContext db)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    await db.SaveChangesAsync();
                    await tx.CommitAsync();
                    BackgroundJob.Enqueue(() => Ship(7));
                });
            }

            public static void Ship(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Through_call_moves_at_the_call_site() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                {|#0:NotifyAuthor(3)|};
                tx.Commit();
            }

            private static void NotifyAuthor(int id) => BackgroundJob.Enqueue(() => Notify(id));

            public static void Notify(int id) { }
        }
        """, """
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                var tx = conn.BeginTransaction();
                tx.Commit();
                NotifyAuthor(3);
            }

            private static void NotifyAuthor(int id) => BackgroundJob.Enqueue(() => Notify(id));

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    /// <summary>Fix All inserts the statements together in their order; one fix at a time puts each right after the commit.</summary>
    [Fact]
    public Task Fix_all_keeps_the_order_of_statements_moved_after_the_same_commit() => Verify.VerifyFixAllAsync(
        """
        using System.Net.Mail;
        using System.Transactions;
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                {|#1:BackgroundJob.Enqueue(() => Notify(2))|};
                Save(conn);
                {|#2:BackgroundJob.Enqueue(() => Notify(3))|};
                tx.Commit();
            }

            public void Mail(SmtpClient smtp, MailMessage first, MailMessage second)
            {
                using (var scope = new TransactionScope())
                {
                    {|#3:smtp.Send(first)|};
                    {|#4:smtp.Send(second)|};
                    scope.Complete();
                }
            }

            private static void Save(NpgsqlConnection conn) { }
            public static void Notify(int id) { }
        }
        """,
        """
        using System.Net.Mail;
        using System.Transactions;
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                Save(conn);
                tx.Commit();
                BackgroundJob.Enqueue(() => Notify(3));
                BackgroundJob.Enqueue(() => Notify(2));
                BackgroundJob.Enqueue(() => Notify(1));
            }

            public void Mail(SmtpClient smtp, MailMessage first, MailMessage second)
            {
                using (var scope = new TransactionScope())
                {
                    scope.Complete();
                }
                smtp.Send(second);
                smtp.Send(first);
            }

            private static void Save(NpgsqlConnection conn) { }
            public static void Notify(int id) { }
        }
        """,
        """
        using System.Net.Mail;
        using System.Transactions;
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                Save(conn);
                tx.Commit();
                BackgroundJob.Enqueue(() => Notify(1));
                BackgroundJob.Enqueue(() => Notify(2));
                BackgroundJob.Enqueue(() => Notify(3));
            }

            public void Mail(SmtpClient smtp, MailMessage first, MailMessage second)
            {
                using (var scope = new TransactionScope())
                {
                    scope.Complete();
                }
                smtp.Send(first);
                smtp.Send(second);
            }

            private static void Save(NpgsqlConnection conn) { }
            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2), Verify.Diagnostic("JS0002", 3), Verify.Diagnostic("JS0002", 4) });

    [Fact]
    public Task Not_offered_when_a_local_it_reads_is_assigned_before_the_commit() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(id))|};
                id = 0;
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_when_its_result_is_used_before_the_commit() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                var jobId = {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                Save(conn, jobId);
                tx.Commit();
            }

            private static void Save(NpgsqlConnection conn, string jobId) { }
            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_when_it_reads_a_local_of_the_using_block() => Verify.VerifyNoFixAsync("""
        using System.Net.Mail;
        using System.Transactions;

        public class Mailer
        {
            public void Save(SmtpClient smtp)
            {
                using (var scope = new TransactionScope())
                {
                    var message = new MailMessage();
                    {|#0:smtp.Send(message)|};
                    scope.Complete();
                }
            }
        }
        """, new[] { Verify.Diagnostic("JS0002") });

    [Fact]
    public Task Not_offered_when_a_path_leaves_before_the_commit() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn, bool ok)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                if (!ok)
                {
                    return;
                }

                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_without_a_commit_in_the_same_block() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn, bool ok)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                if (ok)
                {
                    tx.Commit();
                }
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Directive_above_the_commit_keeps_the_moved_statement_indented() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class Orders
        {
            public void Place(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Ship(id))|};
        #region commit
                tx.Commit();
        #endregion
            }

            public static void Ship(int id) { }
        }
        """, """
        using Hangfire;
        using Npgsql;

        public class Orders
        {
            public void Place(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
        #region commit
                tx.Commit();
                BackgroundJob.Enqueue(() => Ship(id));
        #endregion
            }

            public static void Ship(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") }, withRuntime: false);

    [Fact]
    public Task Not_offered_when_a_directive_closes_a_region_right_after_the_commit() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class Orders
        {
            public void Place(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Ship(id))|};
        #if !READ_ONLY
                tx.Commit();
        #endif
            }

            public void Cancel(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                {|#1:BackgroundJob.Enqueue(() => Ship(-id))|};
        #pragma warning disable CS0618
                tx.Commit();
        #pragma warning restore CS0618
            }

            public static void Ship(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1) }, withRuntime: false);
}
