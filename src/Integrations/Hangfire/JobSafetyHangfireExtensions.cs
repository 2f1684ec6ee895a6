using JobSafety.Hangfire;

namespace Hangfire;

/// <summary>Registration of the JobSafety Hangfire filter.</summary>
public static class JobSafetyHangfireExtensions
{
    /// <summary>
    /// Adds the <see cref="JobSafetyClientFilter"/> to the global filters (replacing one added before):
    /// <c>GlobalConfiguration.Configuration.UseJobSafety();</c> or <c>services.AddHangfire(c => c.UseJobSafety())</c>.
    /// Every job created while a database transaction is open on the caller's flow is then checked
    /// (<see cref="JobSafety.SideEffectCategory.Enqueue"/>, target <c>Hangfire: Type.Method</c>).
    /// </summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="configure">Options (optional), e.g. <c>o => o.StorageEnlistsInTransactionScope = false</c>.</param>
    /// <returns>The configuration.</returns>
    public static IGlobalConfiguration UseJobSafety(this IGlobalConfiguration configuration, Action<JobSafetyHangfireOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new JobSafetyHangfireOptions();
        configure?.Invoke(options);
        foreach (var existing in GlobalJobFilters.Filters.Where(f => f.Instance is JobSafetyClientFilter).ToList())
        {
            GlobalJobFilters.Filters.Remove(existing.Instance);
        }
        return configuration.UseFilter(new JobSafetyClientFilter(options));
    }
}
