using Verify = JobSafety.CodeFixes.Tests.Infrastructure.CodeFixVerifier<JobSafety.CodeFixes.Rules.RunAfterCommitCodeFixProvider>;

namespace JobSafety.CodeFixes.Tests.Rules;

public class RunAfterCommitCodeFixProviderTests
{
    [Fact]
    public Task Sync_enqueue_in_BeginTransaction_is_wrapped_and_using_added() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, """
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Notify(1)));
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Awaited_call_in_BeginTransactionAsync_becomes_async_callback() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:http.PostAsync("https://example.invalid/hook", null)|};
                await tx.CommitAsync();
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                TransactionEvents.AfterCommit(async ct => { await http.PostAsync("https://example.invalid/hook", null); });
                await tx.CommitAsync();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task ConfigureAwait_is_kept_inside_the_callback() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:http.GetAsync("https://example.invalid/ping")|}.ConfigureAwait(false);
                await tx.CommitAsync();
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                TransactionEvents.AfterCommit(async ct => { await http.GetAsync("https://example.invalid/ping").ConfigureAwait(false); });
                await tx.CommitAsync();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task TransactionScope_using_statement_with_comments() => Verify.VerifyFixAsync("""
        using System.Net.Mail;
        using System.Transactions;

        public class Mailer
        {
            public void Save(SmtpClient smtp, MailMessage message)
            {
                using (var scope = new TransactionScope())
                {
                    // tell the author
                    {|#0:smtp.Send(message)|}; // after the insert
                    scope.Complete();
                }
            }
        }
        """, """
        using System.Net.Mail;
        using System.Transactions;
        using JobSafety;

        public class Mailer
        {
            public void Save(SmtpClient smtp, MailMessage message)
            {
                using (var scope = new TransactionScope())
                {
                    // tell the author
                    TransactionEvents.AfterCommit(() => smtp.Send(message)); // after the insert
                    scope.Complete();
                }
            }
        }
        """, new[] { Verify.Diagnostic("JS0002") });

    [Fact]
    public Task TransactionScope_using_declaration() => Verify.VerifyFixAsync("""
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
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using System.Transactions;
        using JobSafety;

        public class Hooks
        {
            public async Task Save(HttpClient http)
            {
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                TransactionEvents.AfterCommit(async ct => { await http.DeleteAsync("https://example.invalid/cache"); });
                scope.Complete();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task Ef_core_BeginTransactionAsync_with_unused_result_variable() => Verify.VerifyFixAsync("""
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
                await tx.CommitAsync();
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using JobSafety;
        using Microsoft.EntityFrameworkCore;

        public class Orders
        {
            public async Task Place(DbContext db, HttpClient http)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                TransactionEvents.AfterCommit(async ct => { await http.PostAsync("https://example.invalid/orders", null); });
                await tx.CommitAsync();
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
                    await db.SaveChangesAsync();
                    {|#0:BackgroundJob.Enqueue(() => Ship(7))|};
                    await tx.CommitAsync();
                });
            }

            public static void Ship(int id) { }
        }
        """, """
        using System.Threading.Tasks;
        using Hangfire;
        using JobSafety;
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
                    TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Ship(7)));
                    await tx.CommitAsync();
                });
            }

            public static void Ship(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Through_call_is_wrapped_at_the_call_site() => Verify.VerifyFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:NotifyAuthor(3)|};
                tx.Commit();
            }

            private static void NotifyAuthor(int id) => BackgroundJob.Enqueue(() => Notify(id));

            public static void Notify(int id) { }
        }
        """, """
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                TransactionEvents.AfterCommit(() => NotifyAuthor(3));
                tx.Commit();
            }

            private static void NotifyAuthor(int id) => BackgroundJob.Enqueue(() => Notify(id));

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Lambda_parameter_does_not_shadow_a_local_named_ct() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http, CancellationToken ct)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await {|#0:http.PostAsync("https://example.invalid/hook", null, ct)|};
                await tx.CommitAsync();
            }
        }
        """, """
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using JobSafety;
        using Npgsql;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http, CancellationToken ct)
            {
                await using var tx = await conn.BeginTransactionAsync();
                TransactionEvents.AfterCommit(async ct2 => { await http.PostAsync("https://example.invalid/hook", null, ct); });
                await tx.CommitAsync();
            }
        }
        """, new[] { Verify.Diagnostic("JS0003") });

    [Fact]
    public Task Fix_all_wraps_every_finding_and_adds_one_using() => Verify.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Hangfire;
        using Npgsql;

        namespace Shop;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                await {|#1:http.PostAsync("https://example.invalid/a", null)|};
                {|#2:BackgroundJob.Enqueue(() => Notify(2))|};
                await tx.CommitAsync();
            }

            public void Update(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#3:BackgroundJob.Enqueue(() => Notify(3))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, """
        using System.Net.Http;
        using System.Threading.Tasks;
        using Hangfire;
        using JobSafety;
        using Npgsql;

        namespace Shop;

        public class CommentService
        {
            public async Task Create(NpgsqlConnection conn, HttpClient http)
            {
                await using var tx = await conn.BeginTransactionAsync();
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Notify(1)));
                TransactionEvents.AfterCommit(async ct => { await http.PostAsync("https://example.invalid/a", null); });
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Notify(2)));
                await tx.CommitAsync();
            }

            public void Update(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Notify(3)));
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0003", 1), Verify.Diagnostic("JS0001", 2), Verify.Diagnostic("JS0001", 3) });

    [Fact]
    public Task Not_offered_when_the_result_is_used() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public string Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                var jobId = {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
                return jobId;
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_for_a_return_statement() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public string Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                return {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_for_an_assignment() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public string? LastJob { get; private set; }

            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                LastJob = {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });

    [Fact]
    public Task Not_offered_without_the_runtime() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class CommentService
        {
            public void Create(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                {|#0:BackgroundJob.Enqueue(() => Notify(1))|};
                tx.Commit();
            }

            public static void Notify(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") }, withRuntime: false);

    [Fact]
    public Task Not_offered_when_a_ref_parameter_would_be_captured() => Verify.VerifyNoFixAsync("""
        using System.Net.Mail;
        using Npgsql;

        public class Mailer
        {
            public void Send(NpgsqlConnection conn, SmtpClient smtp, ref MailMessage message)
            {
                using var tx = conn.BeginTransaction();
                {|#0:smtp.Send(message)|};
                tx.Commit();
            }
        }
        """, new[] { Verify.Diagnostic("JS0002") });

    [Fact]
    public Task Not_offered_when_a_read_variable_changes_before_the_commit() => Verify.VerifyNoFixAsync("""
        using Hangfire;
        using Npgsql;

        public class Digest
        {
            public void ForCounter(NpgsqlConnection conn, int[] ids)
            {
                using var tx = conn.BeginTransaction();
                for (var i = 0; i < ids.Length; i++)
                {
                    {|#0:BackgroundJob.Enqueue(() => Send(ids[i]))|};
                }

                tx.Commit();
            }

            public void Reassigned(NpgsqlConnection conn, int id)
            {
                using var tx = conn.BeginTransaction();
                var target = id;
                {|#1:BackgroundJob.Enqueue(() => Send(target))|};
                target = -1;
                tx.Commit();
            }

            public void Accumulated(NpgsqlConnection conn, int[] ids)
            {
                using var tx = conn.BeginTransaction();
                var total = 0;
                foreach (var id in ids)
                {
                    total += id;
                    {|#2:BackgroundJob.Enqueue(() => Send(total))|};
                }

                tx.Commit();
            }

            public static void Send(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2) });

    [Fact]
    public Task Offered_for_loop_variables_fresh_in_each_iteration_and_values_set_before() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using Hangfire;
        using Npgsql;

        public class Digest
        {
            public void Each(NpgsqlConnection conn, List<int> ids, Queue<int> queue)
            {
                using var tx = conn.BeginTransaction();
                foreach (var id in ids)
                {
                    {|#0:BackgroundJob.Enqueue(() => Send(id))|};
                }

                while (queue.Count > 0)
                {
                    var next = queue.Dequeue();
                    {|#1:BackgroundJob.Enqueue(() => Send(next))|};
                }

                var last = 0;
                last = ids.Count;
                {|#2:BackgroundJob.Enqueue(() => Send(last))|};
                tx.Commit();
            }

            public static void Send(int id) { }
        }
        """, """
        using System.Collections.Generic;
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class Digest
        {
            public void Each(NpgsqlConnection conn, List<int> ids, Queue<int> queue)
            {
                using var tx = conn.BeginTransaction();
                foreach (var id in ids)
                {
                    TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Send(id)));
                }

                while (queue.Count > 0)
                {
                    var next = queue.Dequeue();
                    TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Send(next)));
                }

                var last = 0;
                last = ids.Count;
                TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Send(last)));
                tx.Commit();
            }

            public static void Send(int id) { }
        }
        """, new[] { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2) });

    [Fact]
    public Task Not_offered_when_the_call_reads_a_using_resource_disposed_inside_the_transaction() => Verify.VerifyNoFixAsync("""
        using System.Transactions;
        using MailKit.Net.Smtp;
        using MimeKit;
        using Npgsql;

        public class Mailer
        {
            public void Send(NpgsqlConnection conn, MimeMessage message)
            {
                using var tx = conn.BeginTransaction();
                using (var client = new SmtpClient())
                {
                    client.Connect("smtp.example.org", 587);
                    {|#0:client.Send(message)|};
                }

                tx.Commit();
            }

            public void InScope(MimeMessage message)
            {
                using (var scope = new TransactionScope())
                {
                    {
                        using var client = new SmtpClient();
                        {|#1:client.Send(message)|};
                    }

                    scope.Complete();
                }
            }
        }
        """, new[] { Verify.Diagnostic("JS0002", 0), Verify.Diagnostic("JS0002", 1) });

    [Fact]
    public Task Offered_when_the_using_resource_outlives_the_commit() => Verify.VerifyFixAsync("""
        using JobSafety;
        using MailKit.Net.Smtp;
        using MimeKit;
        using Npgsql;

        public class Mailer
        {
            public void Send(NpgsqlConnection conn, MimeMessage message)
            {
                using var tx = conn.BeginTransaction();
                using var client = new SmtpClient();
                {|#0:client.Send(message)|};
                tx.Commit();
            }
        }
        """, """
        using JobSafety;
        using MailKit.Net.Smtp;
        using MimeKit;
        using Npgsql;

        public class Mailer
        {
            public void Send(NpgsqlConnection conn, MimeMessage message)
            {
                using var tx = conn.BeginTransaction();
                using var client = new SmtpClient();
                TransactionEvents.AfterCommit(() => client.Send(message));
                tx.Commit();
            }
        }
        """, new[] { Verify.Diagnostic("JS0002") });

    [Fact]
    public Task Offered_for_a_for_counter_when_each_iteration_has_its_own_transaction() => Verify.VerifyFixAsync("""
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class Batches
        {
            public void Run(NpgsqlConnection conn, int count)
            {
                for (var batch = 0; batch < count; batch++)
                {
                    using var tx = conn.BeginTransaction();
                    {|#0:BackgroundJob.Enqueue(() => Publish(batch))|};
                    tx.Commit();
                }
            }

            public static void Publish(int batch) { }
        }
        """, """
        using Hangfire;
        using JobSafety;
        using Npgsql;

        public class Batches
        {
            public void Run(NpgsqlConnection conn, int count)
            {
                for (var batch = 0; batch < count; batch++)
                {
                    using var tx = conn.BeginTransaction();
                    TransactionEvents.AfterCommit(() => BackgroundJob.Enqueue(() => Publish(batch)));
                    tx.Commit();
                }
            }

            public static void Publish(int batch) { }
        }
        """, new[] { Verify.Diagnostic("JS0001") });
}
