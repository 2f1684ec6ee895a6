using System.Runtime.CompilerServices;

namespace JobSafety.Analyzers.Tests.Infrastructure;

internal static class SurfaceAnalyzerExceptions
{
    /// <summary>
    /// The analyzer swallows its own exceptions so a user's build never sees AD0001. In tests they
    /// must be seen: rethrow, so the test framework reports AD0001 and the test fails.
    /// </summary>
    [ModuleInitializer]
    internal static void Install() => JobSafety.Analyzers.Guard.OnException = ex => throw new InvalidOperationException("JobSafety analyzer exception: " + ex, ex);
}
