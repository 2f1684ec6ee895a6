using JobSafety.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the JobSafety HttpClient guard.</summary>
public static class JobSafetyHttpServiceCollectionExtensions
{
    /// <summary>
    /// Guards outgoing HTTP requests: subscribes to HttpClient's diagnostic events (<see cref="JobSafetyHttp.Subscribe"/>,
    /// process-wide, covers every <see cref="HttpClient"/>) and adds a <see cref="JobSafetyHttpHandler"/> to every
    /// IHttpClientFactory client. A request is checked once even when both see it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddJobSafetyHttp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        JobSafetyHttp.Subscribe();
        services.ConfigureHttpClientDefaults(builder => builder.AddHttpMessageHandler(() => new JobSafetyHttpHandler()));
        return services;
    }
}
