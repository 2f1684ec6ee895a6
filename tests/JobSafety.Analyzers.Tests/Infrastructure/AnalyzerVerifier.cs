using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace JobSafety.Analyzers.Tests.Infrastructure;

/// <summary>Microsoft.CodeAnalysis.Testing verifier for one analyzer, on the real library references.</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>A diagnostic at markup location {|#index:...|}; the additional location (transaction start) is not compared.</summary>
    public static DiagnosticResult Diagnostic(string id, int location = 0) =>
        new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, null, expected);

    public static async Task VerifyAsync(string source, string? editorconfig, params DiagnosticResult[] expected)
    {
        var test = CreateTest(source, editorconfig);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> CreateTest(string source, string? editorconfig = null)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            TestCode = source,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        if (editorconfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*]\n" + editorconfig));
        }

        return test;
    }
}
