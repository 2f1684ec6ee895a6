using System.Reflection;
using System.Runtime.CompilerServices;
using JobSafety.Analyzers.Rules;

namespace JobSafety.CodeFixes.Tests.Infrastructure;

internal static class SurfaceAnalyzerExceptions
{
    /// <summary>
    /// The analyzer swallows its own exceptions (no AD0001 in a user's build); in tests they must fail
    /// the test. Guard is internal to the analyzer assembly, which does not grant this project access.
    /// </summary>
    [ModuleInitializer]
    internal static void Install()
    {
        var guard = typeof(SideEffectInTransactionAnalyzer).Assembly.GetType("JobSafety.Analyzers.Guard", throwOnError: true)!;
        var property = guard.GetProperty("OnException", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!;
        property.SetValue(null, new Action<Exception>(ex => throw new InvalidOperationException("JobSafety analyzer exception: " + ex, ex)));
    }
}
