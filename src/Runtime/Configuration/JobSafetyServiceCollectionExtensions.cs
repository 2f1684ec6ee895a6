using JobSafety;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers JobSafety with dependency injection.</summary>
public static class JobSafetyServiceCollectionExtensions
{
    /// <summary>Applies <paramref name="configure"/> to the process-wide <see cref="JobSafetyConfiguration"/> now (JobSafety's
    /// checks run in static code paths, so there is one configuration per process) and registers
    /// <see cref="JobSafetyRuntimeActivation"/>. When no logger is configured, resolve <see cref="JobSafetyRuntimeActivation"/>
    /// once after building the provider (or call <c>serviceProvider.UseJobSafetyLogging()</c>) to log through the container's
    /// <see cref="ILoggerFactory"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the options (optional).</param>
    /// <returns>A builder for integration extensions.</returns>
    public static JobSafetyBuilder AddJobSafety(this IServiceCollection services, Action<JobSafetyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null) JobSafetyConfiguration.Configure(configure);
        services.TryAddSingleton<JobSafetyRuntimeActivation>();
        return new JobSafetyBuilder(services);
    }

    /// <summary>Makes JobSafety log through the container's <see cref="ILoggerFactory"/> when no logger was configured.</summary>
    /// <param name="serviceProvider">The built provider.</param>
    /// <returns>The provider.</returns>
    public static IServiceProvider UseJobSafetyLogging(this IServiceProvider serviceProvider)
    {
        ArgumentNullException.ThrowIfNull(serviceProvider);
        _ = serviceProvider.GetService(typeof(JobSafetyRuntimeActivation));
        if (serviceProvider.GetService(typeof(ILoggerFactory)) is ILoggerFactory factory) JobSafetyRuntimeActivation.Apply(factory);
        return serviceProvider;
    }
}
