using JobSafety.Analyzers.Tests.SideEffects;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.RealWorld;

/// <summary>
/// MassTransit's bus outbox (<c>AddEntityFrameworkOutbox&lt;TDb&gt;(o =&gt; o.UseBusOutbox())</c>, configured once at start-up)
/// stores publishes and sends made through the scoped <c>IPublishEndpoint</c> / <c>ISendEndpointProvider</c> with the
/// transaction and delivers them after the commit. <c>IBus</c> bypasses it. The configuration is found in the project.
/// </summary>
public class MassTransitBusOutboxTests
{
    // The outbox configuration API, as MassTransit's EF Core package declares it (a stand-in: the tests do not reference that package).
    private const string OutboxPackage = """
        namespace MassTransit
        {
            public interface IEntityFrameworkOutboxConfigurator
            {
                void UsePostgres();
                void UseBusOutbox();
            }

            public interface IOutboxRegistration { }

            public static class EntityFrameworkOutboxConfigurationExtensions
            {
                public static void AddEntityFrameworkOutbox<TDbContext>(this IOutboxRegistration registration, System.Action<IEntityFrameworkOutboxConfigurator> configure) { }
            }
        }
        """;

    private const string Service = """
        using System.Threading.Tasks;
        using MassTransit;
        using Microsoft.EntityFrameworkCore;

        public record OrderPlaced(int Id);
        public class ShopDb : DbContext { }

        public class Orders(ShopDb db, IPublishEndpoint publish, ISendEndpointProvider send, IBus bus)
        {
            public async Task Place(int id)
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.SaveChangesAsync();
                await publish.Publish(new OrderPlaced(id));
                var endpoint = await send.GetSendEndpoint(new System.Uri("queue:orders"));
                await endpoint.Send(new OrderPlaced(id));
                await {|#0:bus.Publish(new OrderPlaced(id))|};
                await tx.CommitAsync();
            }
        }
        """;

    // The same service where the scoped publish and send are expected too (no outbox configured).
    private static readonly string ServiceWithEveryCallReported = Service
        .Replace("await publish.Publish(new OrderPlaced(id));", "await {|#1:publish.Publish(new OrderPlaced(id))|};", StringComparison.Ordinal)
        .Replace("await endpoint.Send(new OrderPlaced(id));", "await {|#2:endpoint.Send(new OrderPlaced(id))|};", StringComparison.Ordinal);

    private static readonly Microsoft.CodeAnalysis.Testing.DiagnosticResult[] EveryCall =
        { Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1), Verify.Diagnostic("JS0001", 2) };

    private const string Startup = """
        using MassTransit;

        public static class Startup
        {
            public static void Configure(IOutboxRegistration x) =>
                x.AddEntityFrameworkOutbox<ShopDb>(o =>
                {
                    o.UsePostgres();
                    o.UseBusOutbox();
                });
        }
        """;

    [Fact]
    public async Task With_the_bus_outbox_configured_scoped_publishes_are_atomic_and_the_bus_is_not()
    {
        var test = Verify.CreateTest(Service);
        test.TestState.Sources.Add(("Startup.cs", Startup));
        test.TestState.AdditionalReferences.Add(StandInLibrary.Reference(OutboxPackage));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0001"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Without_the_bus_outbox_every_publish_and_send_in_the_transaction_is_reported()
    {
        var test = Verify.CreateTest(ServiceWithEveryCallReported);
        test.TestState.AdditionalReferences.Add(StandInLibrary.Reference(OutboxPackage));
        test.ExpectedDiagnostics.AddRange(EveryCall);
        await test.RunAsync();
    }

    // A method of the project that happens to be called UseBusOutbox configures nothing.
    [Fact]
    public async Task A_project_method_named_UseBusOutbox_does_not_count()
    {
        var test = Verify.CreateTest(ServiceWithEveryCallReported);
        test.TestState.Sources.Add(("Fake.cs", """
            public class Options
            {
                public void UseBusOutbox() { }
                public static void Configure() => new Options().UseBusOutbox();
            }
            """));
        test.ExpectedDiagnostics.AddRange(EveryCall);
        await test.RunAsync();
    }
}
