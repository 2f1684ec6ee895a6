using Microsoft.Extensions.Logging;

namespace JobSafety;

/// <summary>A DI singleton whose construction connects JobSafety's logging to the container's <see cref="ILoggerFactory"/>
/// (only when no logger was configured explicitly).</summary>
public sealed class JobSafetyRuntimeActivation
{
    /// <summary>Created by the container.</summary>
    /// <param name="loggerFactory">The container's logger factory, when there is one.</param>
    public JobSafetyRuntimeActivation(ILoggerFactory? loggerFactory = null)
    {
        if (loggerFactory is not null) Apply(loggerFactory);
    }

    internal static void Apply(ILoggerFactory factory)
    {
        var options = JobSafetyConfiguration.Current.Options;
        if (options.Logger is null && options.LoggerFactory is null) JobSafetyConfiguration.Configure(o => o.LoggerFactory = factory);
    }
}
