using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>A DbContext whose SaveChanges override dispatches domain events to a message bus, called inside a transaction.</summary>
public class SaveChangesOverrideTests
{
    [Fact]
    public Task Override_of_SaveChangesAsync_that_publishes_is_followed() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record Changed(int Id);

        public class AppDb(IPublishEndpoint publish) : DbContext
        {
            public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
            {
                var result = await base.SaveChangesAsync(cancellationToken);
                await publish.Publish(new Changed(result), cancellationToken);
                return result;
            }
        }

        public class Service(AppDb db)
        {
            public async Task Run()
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await {|#0:db.SaveChangesAsync()|};
                await tx.CommitAsync();
                await db.SaveChangesAsync();
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // The override is the (bool, CancellationToken) overload EF calls from the others; the call binds to DbContext's own.
    [Fact]
    public Task Override_of_the_two_argument_overload_is_followed_from_the_usual_call() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Hangfire;
        using Microsoft.EntityFrameworkCore;

        public class AppDb(IBackgroundJobClient jobs) : DbContext
        {
            public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
            {
                var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                jobs.Enqueue(() => Jobs.Reindex());
                return result;
            }
        }

        public static class Jobs { public static void Reindex() { } }

        public class Service(AppDb db)
        {
            public async Task Run()
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await {|#0:db.SaveChangesAsync()|};
                await tx.CommitAsync();
            }
        }
        """, Verify.Diagnostic("JS0001"));

    // The common shape that must stay quiet: an override that only sets audit fields, or dispatches to an in-process mediator.
    [Fact]
    public Task Override_without_side_effects_is_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Audited { public DateTime Updated { get; set; } }

        public class AppDb : DbContext
        {
            public override Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
            {
                foreach (var entry in ChangeTracker.Entries<Audited>())
                {
                    entry.Entity.Updated = DateTime.UtcNow;
                }

                return base.SaveChangesAsync(cancellationToken);
            }
        }

        public class Service(AppDb db)
        {
            public async Task Run()
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            }
        }
        """);

    // Outside a transaction the override's publish is not reported at the call.
    [Fact]
    public Task Save_outside_a_transaction_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record Changed(int Id);

        public class AppDb(IPublishEndpoint publish) : DbContext
        {
            public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
            {
                var result = await base.SaveChangesAsync(cancellationToken);
                await publish.Publish(new Changed(result), cancellationToken);
                return result;
            }
        }

        public class Service(AppDb db)
        {
            public Task Run() => db.SaveChangesAsync();
        }
        """);
}
