using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobSafety;

/// <summary>
/// The process-wide JobSafety configuration (the runtime's one piece of static mutable state). Configure it once at
/// start-up, or through <c>services.AddJobSafety(...)</c>.
/// </summary>
public static class JobSafetyConfiguration
{
    private static readonly Lazy<GuardMode> s_automaticMode = new(DetectAutomaticMode);
    private static RuntimeSettings s_current = RuntimeSettings.Create(new JobSafetyOptions());

    internal static RuntimeSettings Current => Volatile.Read(ref s_current);

    /// <summary>The guard mode in force (the configured one, or the automatic choice).</summary>
    public static GuardMode EffectiveMode => Current.Mode;

    /// <summary>Changes the configuration. The delegate receives a copy of the current options; the result replaces the
    /// configuration atomically. A configured baseline file is read here.</summary>
    /// <param name="configure">Changes to apply.</param>
    /// <exception cref="JobSafetyConfigurationException">The baseline file is missing or malformed.</exception>
    public static void Configure(Action<JobSafetyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        lock (s_automaticMode)
        {
            var options = Current.Options.Clone();
            configure(options);
            Volatile.Write(ref s_current, RuntimeSettings.Create(options));
        }
    }

    /// <summary>Back to defaults (tests only).</summary>
    internal static void ResetForTests()
    {
        lock (s_automaticMode) Volatile.Write(ref s_current, RuntimeSettings.Create(new JobSafetyOptions()));
    }

    internal static GuardMode AutomaticMode => s_automaticMode.Value;

    private static GuardMode DetectAutomaticMode()
    {
        foreach (var variable in new[] { "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (value is null) continue;
            if (value.Equals("Development", StringComparison.OrdinalIgnoreCase)
                || value.Equals("Test", StringComparison.OrdinalIgnoreCase)
                || value.Equals("Testing", StringComparison.OrdinalIgnoreCase))
            {
                return GuardMode.Throw;
            }
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            var name = assembly.GetName().Name ?? "";
            if (name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("nunit", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("testhost", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Microsoft.VisualStudio.TestPlatform", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("MSTest", StringComparison.OrdinalIgnoreCase))
            {
                return GuardMode.Throw;
            }
        }
        return GuardMode.Report;
    }
}

/// <summary>An immutable snapshot built from <see cref="JobSafetyOptions"/>.</summary>
internal sealed class RuntimeSettings
{
    private RuntimeSettings(JobSafetyOptions options)
    {
        Options = options;
        Logger = options.Logger ?? options.LoggerFactory?.CreateLogger("JobSafety") ?? NullLogger.Instance;
        Callbacks = options.OnViolation.ToArray();
        Baseline = options.BaselinePath is null ? null : Baseline.Load(options.BaselinePath);
        ExplicitMode = options.Mode;
    }

    internal JobSafetyOptions Options { get; }

    internal ILogger Logger { get; }

    internal Action<SideEffectViolation>[] Callbacks { get; }

    internal Baseline? Baseline { get; }

    internal GuardMode? ExplicitMode { get; }

    internal GuardMode Mode => ExplicitMode ?? JobSafetyConfiguration.AutomaticMode;

    internal bool CaptureTransactionOrigin => Options.CaptureTransactionOrigin ?? Mode == GuardMode.Throw;

    internal static RuntimeSettings Create(JobSafetyOptions options) => new(options);
}
