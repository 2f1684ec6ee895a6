using System;

namespace JobSafety.Analyzers;

/// <summary>
/// The analyzer must never throw (AD0001) on any input, including half-typed code: every callback
/// runs through here. Cancellation still propagates.
/// </summary>
internal static class Guard
{
    /// <summary>Tests set this to see exceptions that the analyzer swallowed (the robustness suite asserts there are none).</summary>
    internal static Action<Exception>? OnException { get; set; }

    public static void Run(Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed analysis of one method must not break the build.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnException?.Invoke(ex);
        }
    }

    public static T Run<T>(Func<T> func, T fallback)
    {
        try
        {
            return func();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnException?.Invoke(ex);
            return fallback;
        }
    }
}
