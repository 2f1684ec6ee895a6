using Microsoft.Extensions.Logging;

namespace JobSafety;

/// <summary>Where failures of user work go: the configured handler, the committing caller, or the log.</summary>
internal static partial class CallbackFailures
{
    internal static void Report(List<Exception>? errors, string kind, bool throwToCaller)
    {
        if (errors is null || errors.Count == 0) return;
        var aggregate = new AggregateException(
            $"{errors.Count} {kind} callback(s) failed. The transaction outcome stands; every other callback ran.", errors);
        var settings = JobSafetyConfiguration.Current;
        if (settings.Options.CallbackErrorHandler is { } handler)
        {
            try
            {
                handler(aggregate);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(settings.Logger, ex);
            }
            return;
        }
        if (throwToCaller) throw aggregate;
        LogCallbacksFailed(settings.Logger, aggregate, kind);
    }

    internal static void LogUnexpected(Exception ex) => LogInternalError(JobSafetyConfiguration.Current.Logger, ex);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "JobSafety: {Kind} callbacks failed")]
    private static partial void LogCallbacksFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "JobSafety: the configured CallbackErrorHandler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "JobSafety: unexpected failure while completing an ambient transaction's callbacks")]
    private static partial void LogInternalError(ILogger logger, Exception exception);
}
