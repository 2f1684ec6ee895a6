using Hangfire;
using Hangfire.Common;
using JobSafety.Hangfire;
using Microsoft.EntityFrameworkCore;

namespace JobSafety.Integrations.Tests;

public sealed class Comment
{
    public int Id { get; set; }

    public string Body { get; set; } = "";
}

public sealed class CommentsContext : DbContext
{
    private readonly string _connectionString;
    private readonly string _table;

    public CommentsContext(string connectionString, string table)
    {
        _connectionString = connectionString;
        _table = table;
    }

    public DbSet<Comment> Comments => Set<Comment>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.UseNpgsql(_connectionString).AddJobSafety();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Comment>(e =>
        {
            e.ToTable(_table);
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.Body).HasColumnName("body");
        });
}

/// <summary>EF Core with the Npgsql provider: the interceptor feeds the tracker, so the guard and AfterCommit see EF Core transactions.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class EntityFrameworkCoreTests
{
    private readonly Services _services;

    public EntityFrameworkCoreTests(Services services) => _services = services;

    private CommentsContext NewContext() => new(_services.ConnectionString, _services.Table);

    private BackgroundJobClient Guarded() => new(_services.Storage, new JobFilterCollection { new JobSafetyClientFilter() });

    [Fact]
    public async Task SaveChanges_in_BeginTransactionAsync_then_an_enqueue_throws()
    {
        var key = Comments.NewKey("ef-guard");
        await using var db = NewContext();
        await using var tx = await db.Database.BeginTransactionAsync();
        var comment = new Comment { Body = "hello" };
        db.Comments.Add(comment);
        await db.SaveChangesAsync();

        Assert.True(TransactionTracking.IsInsideTransaction);
        var ex = Assert.Throws<BackgroundJobClientException>(() => Guarded().Enqueue(() => CommentJobs.ReadBack(key, comment.Id)));
        var inner = Assert.IsType<NonAtomicEnqueueException>(ex.InnerException);
        Assert.Contains("EF Core", inner.Violation!.Transaction, StringComparison.Ordinal);

        await tx.RollbackAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
        Assert.Equal(0, _services.CountJobs(key));
    }

    [Fact]
    public void Sync_BeginTransaction_is_tracked_too()
    {
        using var db = NewContext();
        using (var tx = db.Database.BeginTransaction())
        {
            Assert.Throws<NonAtomicOtherSideEffectException>(() => SideEffects.Check(SideEffectCategory.Other, "test"));
            tx.Commit();
        }
        SideEffects.Check(SideEffectCategory.Other, "test"); // closed: no violation
    }

    [Fact]
    public async Task AfterCommit_runs_after_CommitAsync_and_the_job_finds_the_comment()
    {
        var key = Comments.NewKey("ef-defer");
        var client = Guarded();
        await using var db = NewContext();
        await using var tx = await db.Database.BeginTransactionAsync();
        var comment = new Comment { Body = "hello" };
        db.Comments.Add(comment);
        await db.SaveChangesAsync();
        var handle = TransactionEvents.AfterCommit(() => client.Enqueue(() => CommentJobs.ReadBack(key, comment.Id)));
        Assert.False(handle.Task.IsCompleted);

        await tx.CommitAsync();

        await handle.Task;
        Assert.True(await Probe.WaitAsync(key));
    }

    [Fact]
    public async Task AfterCommit_is_dropped_on_rollback_and_on_dispose_without_commit()
    {
        await using var db = NewContext();
        TransactionCallbackHandle rolledBack, disposed;
        var ran = 0;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Comments.Add(new Comment { Body = "rolled back" });
            await db.SaveChangesAsync();
            rolledBack = TransactionEvents.AfterCommit(() => Interlocked.Increment(ref ran));
            await tx.RollbackAsync();
        }
        db.ChangeTracker.Clear();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Comments.Add(new Comment { Body = "disposed" });
            await db.SaveChangesAsync();
            disposed = TransactionEvents.AfterCommit(() => Interlocked.Increment(ref ran));
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rolledBack.Task);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => disposed.Task);
        Assert.Equal(0, ran);
        Assert.False(TransactionTracking.IsInsideTransaction, "a disposed EF Core transaction no longer blocks side effects");
    }

    [Fact]
    public async Task A_savepoint_rollback_drops_the_work_registered_after_it()
    {
        await using var db = NewContext();
        var ran = new List<string>();
        await using var tx = await db.Database.BeginTransactionAsync();
        TransactionEvents.AfterCommit(() => ran.Add("before savepoint"));
        await tx.CreateSavepointAsync("sp1");
        TransactionEvents.AfterCommit(() => ran.Add("after savepoint"));
        await tx.RollbackToSavepointAsync("sp1");
        await tx.CommitAsync();
        Assert.Equal(new[] { "before savepoint" }, ran);
    }

    [Fact]
    public async Task SaveChanges_without_an_explicit_transaction_leaves_nothing_open()
    {
        await using var db = NewContext();
        db.Comments.Add(new Comment { Body = "auto" });
        await db.SaveChangesAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
        SideEffects.Check(SideEffectCategory.Enqueue, "test");
    }

    [Fact]
    public async Task The_decorated_transaction_manager_keeps_EF_Core_behaviour()
    {
        await using var db = NewContext();
        // The isolation-level overloads run through the provider's execution strategy (an async method) before they reach
        // the transaction manager: the decorated strategy opens the flow scope on the caller's flow.
        await using (var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable))
        {
            Assert.Same(tx, db.Database.CurrentTransaction);
            Assert.Equal(System.Data.IsolationLevel.Serializable, Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx).IsolationLevel);
            Assert.IsType<Npgsql.NpgsqlConnection>(db.Database.GetDbConnection());
            Assert.True(TransactionTracking.IsInsideTransaction);
            await tx.CommitAsync();
        }
        Assert.Null(db.Database.CurrentTransaction);
        Assert.False(TransactionTracking.IsInsideTransaction);

        // An external transaction handed to EF Core (UseTransaction) is tracked from then on.
        await using var conn = new Npgsql.NpgsqlConnection(_services.ConnectionString);
        await conn.OpenAsync();
        await using var external = await conn.BeginTransactionAsync();
        await using var shared = new CommentsContext(_services.ConnectionString, _services.Table);
        shared.Database.SetDbConnection(conn);
        await shared.Database.UseTransactionAsync(external);
        Assert.Throws<NonAtomicOtherSideEffectException>(() => SideEffects.Check(SideEffectCategory.Other, "test"));
        await shared.Database.CommitTransactionAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginInHelperAsync(CommentsContext db) =>
        await db.Database.BeginTransactionAsync();

    [Fact]
    public async Task Under_a_request_flow_scope_a_transaction_begun_in_an_async_helper_stays_visible()
    {
        using var request = TransactionTracking.BeginFlowScope(); // e.g. one per web request
        await using var db = NewContext();
        await using var tx = await BeginInHelperAsync(db);
        Assert.True(TransactionTracking.IsInsideTransaction, "the helper's transaction is registered in the request's scope, not in one of its own");
        await tx.RollbackAsync();
        Assert.False(TransactionTracking.IsInsideTransaction);
    }
}
