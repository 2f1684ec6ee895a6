using JobSafety.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Registration of the JobSafety EF Core integration.</summary>
public static class JobSafetyDbContextOptionsExtensions
{
    /// <summary>
    /// Reports this context's transactions to JobSafety, so that <c>TransactionEvents.AfterCommit</c> and the side-effect guard
    /// see them: <c>options.UseNpgsql(connectionString).AddJobSafety()</c>. Works with every relational provider, including
    /// Npgsql's (which casts the connection to <c>NpgsqlConnection</c>, so the JobSafety ADO.NET wrapper cannot be used there).
    /// Calling it twice is harmless.
    /// </summary>
    /// <param name="optionsBuilder">The options builder.</param>
    /// <returns>The options builder.</returns>
    public static DbContextOptionsBuilder AddJobSafety(this DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        if (optionsBuilder.Options.FindExtension<JobSafetyDbContextOptionsExtension>() is not null) return optionsBuilder;
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(new JobSafetyDbContextOptionsExtension());
        optionsBuilder.AddInterceptors(JobSafetyTransactionInterceptor.Instance);
        JobSafetyEfCoreDiagnostics.Subscribe();
        return optionsBuilder;
    }

    /// <summary>See <see cref="AddJobSafety(DbContextOptionsBuilder)"/>.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="optionsBuilder">The options builder.</param>
    /// <returns>The options builder.</returns>
    public static DbContextOptionsBuilder<TContext> AddJobSafety<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder)
        where TContext : DbContext
    {
        AddJobSafety((DbContextOptionsBuilder)optionsBuilder);
        return optionsBuilder;
    }
}

/// <summary>The options extension that decorates the transaction manager (see <see cref="JobSafetyTransactionManager"/>).</summary>
internal sealed class JobSafetyDbContextOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
        services.AddScoped<IDbContextTransactionManager>(sp => new JobSafetyTransactionManager(sp.GetRequiredService<IRelationalConnection>()));

        // Decorate the provider's execution strategy factory when the provider registered it already (UseNpgsql(...) before
        // AddJobSafety(), the usual order); otherwise the isolation-level overloads need a flow scope (docs/integrations.md).
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var original = services[i];
            if (original.ServiceType != typeof(IExecutionStrategyFactory) || original.IsKeyedService) continue;
            if (original.ImplementationFactory?.Target is StrategyFactoryMarker) return;
            Func<IServiceProvider, object>? create = original switch
            {
                { ImplementationInstance: { } instance } => _ => instance,
                { ImplementationFactory: { } factory } => factory,
                { ImplementationType: { } type } => sp => ActivatorUtilities.CreateInstance(sp, type),
                _ => null,
            };
            if (create is null) return;
            services[i] = new ServiceDescriptor(typeof(IExecutionStrategyFactory), new StrategyFactoryMarker(create).Create, original.Lifetime);
            return;
        }
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class StrategyFactoryMarker
    {
        private readonly Func<IServiceProvider, object> _inner;

        internal StrategyFactoryMarker(Func<IServiceProvider, object> inner) => _inner = inner;

        internal object Create(IServiceProvider provider) => new JobSafetyExecutionStrategyFactory((IExecutionStrategyFactory)_inner(provider));
    }

    private sealed class ExtensionInfo : DbContextOptionsExtensionInfo
    {
        public ExtensionInfo(IDbContextOptionsExtension extension)
            : base(extension)
        {
        }

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "using JobSafety ";

        public override int GetServiceProviderHashCode() => 0x4A53;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["JobSafety"] = "1";
    }
}
