using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace JobSafety;

/// <summary>The guard's slow path: runs only when a transaction might be open on the flow.</summary>
internal static partial class SideEffectGuard
{
    private static readonly Meter s_meter = new("JobSafety");
    private static readonly Counter<long> s_violations = s_meter.CreateCounter<long>(
        "jobsafety.violations", unit: "{violation}", description: "Side effects seen inside an open database transaction");

    /// <summary>The open, unmarked transaction that makes a side effect unsafe, or null.</summary>
    internal static TrackedTransaction? FindBlocking(bool ambientIsAtomic)
    {
        var tracked = TransactionTracker.FindBlockingTracked();
        if (tracked is not null) return tracked;
        if (ambientIsAtomic) return null;
        var ambient = AmbientTransactions.CurrentActive();
        if (ambient is null || AmbientTransactions.IsMarked(ambient)) return null;
        return AmbientTransactions.Describe(ambient);
    }

    internal static void CheckSlow(in SideEffect effect)
    {
        var settings = JobSafetyConfiguration.Current;
        var mode = settings.Mode;
        if (mode == GuardMode.Off) return;
        var blocking = FindBlocking(effect.EnlistsInAmbientTransaction);
        if (blocking is null || AllowScope.IsAllowed(effect.Category)) return;

        // Only now, on a violation, is the stack walked.
        var caller = CallerLocator.FindCallingMethod();
        var entry = settings.Baseline?.Find(caller, effect.Category);
        if (entry is { Kind: BaselineEntryKind.Ignore }) return;

        var target = TargetSanitizer.Sanitize(effect.Target);
        var transaction = blocking.Describe();
        var violation = new SideEffectViolation(effect.Category, target, transaction, caller, entry is not null,
            BuildMessage(effect.Category, target, transaction, caller, entry is not null));

        Notify(settings, violation);
        if (mode == GuardMode.Throw && entry is null) throw NonAtomicSideEffectException.For(violation);
    }

    private static void Notify(RuntimeSettings settings, SideEffectViolation violation)
    {
        var category = CategoryName(violation.Category);
        LogViolation(settings.Logger, category, violation.Target, violation.Message);
        s_violations.Add(1, new KeyValuePair<string, object?>("category", category));
        Activity.Current?.AddEvent(new ActivityEvent("jobsafety.violation", tags: new ActivityTagsCollection
        {
            { "jobsafety.category", category },
            { "jobsafety.target", violation.Target },
            { "jobsafety.transaction", violation.Transaction },
            { "jobsafety.method", violation.CallingMethod },
        }));
        foreach (var callback in settings.Callbacks)
        {
            try
            {
                callback(violation);
            }
            catch (Exception ex)
            {
                LogCallbackFailed(settings.Logger, ex);
            }
        }
    }

    internal static string CategoryName(SideEffectCategory category) => category switch
    {
        SideEffectCategory.Enqueue => "enqueue",
        SideEffectCategory.Mail => "mail",
        SideEffectCategory.Http => "http",
        _ => "other",
    };

    private static string BuildMessage(SideEffectCategory category, string target, string transaction, string? caller, bool todo)
    {
        var what = category switch
        {
            SideEffectCategory.Enqueue => "enqueues work",
            SideEffectCategory.Mail => "sends an e-mail",
            SideEffectCategory.Http => "sends an HTTP request",
            _ => "has a side effect outside the database",
        };
        var message =
            $"JobSafety: '{target}' ({CategoryName(category)}) {what} inside an open {transaction}" +
            (caller is null ? "." : $", in {caller}.") +
            " The side effect is not part of the transaction: if the transaction rolls back it has happened anyway, and if it" +
            " commits, whatever the effect triggers may run before the data is committed and visible." +
            " Fix: defer it until the commit with TransactionEvents.AfterCommit(() => ...) (or AfterCommit(async ct => ...))," +
            $" or, if it is safe here, wrap it in using (SideEffects.Allow(SideEffectCategory.{category}, \"reason\")).";
        if (transaction.StartsWith("Ambient", StringComparison.Ordinal))
        {
            message += " (Ambient TransactionScope: create it with TransactionScopeAsyncFlowOption.Enabled, or it does not follow awaits.)";
        }
        if (todo) message += " Listed as 'todo' in the JobSafety baseline: reported, not thrown.";
        return message;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "JobSafety violation ({Category}: {Target}): {Details}")]
    private static partial void LogViolation(ILogger logger, string category, string target, string details);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "JobSafety: an OnViolation callback threw")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);
}
