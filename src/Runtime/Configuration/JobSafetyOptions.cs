using Microsoft.Extensions.Logging;

namespace JobSafety;

/// <summary>Settings of the JobSafety runtime; see <see cref="JobSafetyConfiguration.Configure"/>.</summary>
public sealed class JobSafetyOptions
{
    /// <summary>What the guard does on a violation. Null (the default) means automatic: <see cref="GuardMode.Throw"/>
    /// when <c>DOTNET_ENVIRONMENT</c> or <c>ASPNETCORE_ENVIRONMENT</c> is Development, Test or Testing or a test host
    /// (xunit, NUnit, MSTest, testhost) is loaded; otherwise <see cref="GuardMode.Report"/>.</summary>
    public GuardMode? Mode { get; set; }

    /// <summary>Logger factory for warnings (category <c>JobSafety</c>). Used when <see cref="Logger"/> is null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Logger for warnings. When neither this nor <see cref="LoggerFactory"/> is set, nothing is logged.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Called for every reported violation (in Throw mode just before the exception). A callback that throws
    /// is logged and otherwise ignored.</summary>
    public IList<Action<SideEffectViolation>> OnViolation { get; } = new List<Action<SideEffectViolation>>();

    /// <summary>Path of the baseline file (see docs/runtime.md). Loaded once, by <see cref="JobSafetyConfiguration.Configure"/>;
    /// a malformed file throws <see cref="JobSafetyConfigurationException"/>.</summary>
    public string? BaselinePath { get; set; }

    /// <summary>What AfterCommit / BeforeCommit do when no transaction is open (overridable per call).</summary>
    public NoTransactionBehavior NoTransactionBehavior { get; set; } = NoTransactionBehavior.Run;

    /// <summary>Receives failures of AfterCommit / AfterRollback work. When null, AfterCommit failures are thrown to the
    /// committing caller as one <see cref="AggregateException"/> (after all work ran), and failures that have no caller to
    /// go to (AfterRollback work, ambient transactions) are logged as errors.</summary>
    public Action<AggregateException>? CallbackErrorHandler { get; set; }

    /// <summary>Whether the ADO.NET wrapper records which application method began each transaction (a stack walk per
    /// begin, shown in messages as "begun at …"). Null (the default) means: only when the effective mode is
    /// <see cref="GuardMode.Throw"/> (development and tests), never on production hot paths.</summary>
    public bool? CaptureTransactionOrigin { get; set; }

    internal JobSafetyOptions Clone()
    {
        var clone = new JobSafetyOptions
        {
            Mode = Mode,
            LoggerFactory = LoggerFactory,
            Logger = Logger,
            BaselinePath = BaselinePath,
            NoTransactionBehavior = NoTransactionBehavior,
            CallbackErrorHandler = CallbackErrorHandler,
            CaptureTransactionOrigin = CaptureTransactionOrigin,
        };
        foreach (var callback in OnViolation) clone.OnViolation.Add(callback);
        return clone;
    }
}
