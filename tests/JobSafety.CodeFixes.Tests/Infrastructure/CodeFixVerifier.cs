using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace JobSafety.CodeFixes.Tests.Infrastructure;

/// <summary>
/// Microsoft.CodeAnalysis.Testing code-fix verifier for one fixer against the real analyzer and real
/// library references. The fixed code must compile and have no diagnostic at all; the framework also
/// runs Fix All (document, project, solution) and compares it with the same fixed code.
/// </summary>
public static class CodeFixVerifier<TCodeFix>
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>A JS diagnostic at markup location {|#index:...|}; the additional location (transaction start) is not compared.</summary>
    public static DiagnosticResult Diagnostic(string id, int location = 0) =>
        new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    /// <summary>Expects the fix to turn <paramref name="source"/> into <paramref name="fixedSource"/>, which has no diagnostics.</summary>
    public static async Task VerifyFixAsync(string source, string fixedSource, DiagnosticResult[] expected, bool withRuntime = true)
    {
        var test = CreateTest(source, fixedSource, withRuntime);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>
    /// As <see cref="VerifyFixAsync"/>, when fixing the findings one at a time (<paramref name="iterativeFixedSource"/>)
    /// gives another result than Fix All (<paramref name="batchFixedSource"/>).
    /// </summary>
    public static async Task VerifyFixAllAsync(string source, string iterativeFixedSource, string batchFixedSource, DiagnosticResult[] expected, bool withRuntime = true)
    {
        var test = CreateTest(source, iterativeFixedSource, withRuntime);
        test.BatchFixedCode = batchFixedSource;
        if (withRuntime)
        {
            test.BatchFixedState.Sources.Add(("/0/Runtime.cs", RuntimeStandIn.Source));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>Expects the diagnostics, and no fix of this kind for any of them.</summary>
    public static async Task VerifyNoFixAsync(string source, DiagnosticResult[] expected, bool withRuntime = true)
    {
        var test = CreateTest(source, source, withRuntime);
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    public static CSharpCodeFixTest<SideEffectInTransactionAnalyzer, TCodeFix, DefaultVerifier> CreateTest(string source, string fixedSource, bool withRuntime)
    {
        var test = new CSharpCodeFixTest<SideEffectInTransactionAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            TestCode = source,
            FixedCode = fixedSource,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        if (withRuntime)
        {
            test.TestState.Sources.Add(("/0/Runtime.cs", RuntimeStandIn.Source));
            test.FixedState.Sources.Add(("/0/Runtime.cs", RuntimeStandIn.Source));
        }

        return test;
    }
}
