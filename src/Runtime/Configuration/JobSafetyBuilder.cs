using Microsoft.Extensions.DependencyInjection;

namespace JobSafety;

/// <summary>Returned by <c>services.AddJobSafety()</c>; integrations add their registration methods to it as extension methods
/// (e.g. <c>.Guard&lt;IEmailSender&gt;(SideEffectCategory.Mail)</c>).</summary>
public sealed class JobSafetyBuilder
{
    internal JobSafetyBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }
}
