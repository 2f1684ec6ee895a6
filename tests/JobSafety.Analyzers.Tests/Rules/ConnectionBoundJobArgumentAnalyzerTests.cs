using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.ConnectionBoundJobArgumentAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

public class ConnectionBoundJobArgumentAnalyzerTests
{
    private const string Jobs = """
        public class Jobs
        {
            public static void WithConnection(System.Data.Common.DbConnection c) { }
            public static void WithTransaction(System.Data.IDbTransaction t) { }
            public static void WithContext(Microsoft.EntityFrameworkCore.DbContext db) { }
            public static void WithScope(System.Transactions.TransactionScope s) { }
            public static void WithId(int id) { }
            public void Instance(Npgsql.NpgsqlConnection c) { }
        }
        """;

    [Fact]
    public Task Connection_passed_to_static_enqueue_is_reported() => Verify.VerifyAsync("""
        using Hangfire;
        using Npgsql;
        public class S
        {
            public void M(NpgsqlConnection conn) => BackgroundJob.Enqueue(() => Jobs.WithConnection({|#0:conn|}));
        }
        """ + Jobs, Verify.Diagnostic("JS0005").WithMessage("'conn' (DbConnection) is passed to the background job 'Jobs.WithConnection': the job runs later, on another thread or server, where this DbConnection is closed, disposed or serialized into garbage. Pass the identifiers the job needs and let the job open its own connection."));

    [Fact]
    public Task Transaction_passed_through_client_extension_is_reported() => Verify.VerifyAsync("""
        using Hangfire;
        using Npgsql;
        public class S
        {
            public void M(IBackgroundJobClient client, NpgsqlTransaction tx) => client.Enqueue(() => Jobs.WithTransaction({|#0:tx|}));
        }
        """ + Jobs, Verify.Diagnostic("JS0005"));

    [Fact]
    public Task DbContext_field_passed_to_schedule_is_reported() => Verify.VerifyAsync("""
        using System;
        using Hangfire;
        public class S
        {
            private readonly Microsoft.EntityFrameworkCore.DbContext _db = null!;
            public void M() => BackgroundJob.Schedule(() => Jobs.WithContext({|#0:_db|}), TimeSpan.FromMinutes(1));
        }
        """ + Jobs, Verify.Diagnostic("JS0005"));

    [Fact]
    public Task TransactionScope_passed_to_generic_enqueue_is_reported() => Verify.VerifyAsync("""
        using System.Transactions;
        using Hangfire;
        public class S
        {
            public void M()
            {
                using var scope = new TransactionScope();
                BackgroundJob.Enqueue<Jobs>(j => Jobs.WithScope({|#0:scope|}));
            }
        }
        """ + Jobs, Verify.Diagnostic("JS0005"));

    [Fact]
    public Task Values_computed_from_a_connection_are_not_reported() => Verify.VerifyAsync("""
        using Hangfire;
        using Npgsql;
        public class S
        {
            public void M(NpgsqlConnection conn, int id)
            {
                BackgroundJob.Enqueue(() => Jobs.WithId(id));
                BackgroundJob.Enqueue(() => Jobs.WithId(conn.ConnectionTimeout));
            }
        }
        """ + Jobs);

    [Fact]
    public Task Job_instance_resolved_by_the_activator_is_not_reported() => Verify.VerifyAsync("""
        using Hangfire;
        public class S
        {
            public void M(int id) => BackgroundJob.Enqueue<Jobs>(j => j.Instance(null!));
        }
        """ + Jobs);

    [Fact]
    public Task Look_alike_enqueue_methods_are_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Linq.Expressions;
        using Npgsql;
        namespace MyApp
        {
            public static class BackgroundJob { public static void Enqueue(Expression<Action> a) { } }
            public class S
            {
                public void M(NpgsqlConnection conn) => BackgroundJob.Enqueue(() => Jobs.WithConnection(conn));
            }
        }
        """ + Jobs);
}
