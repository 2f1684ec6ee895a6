using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.SideEffects;

/// <summary>
/// For catalog libraries that do not restore here (NServiceBus, Wolverine, FluentEmail, Azure Service Bus,
/// SES/SNS, ASP.NET Core Identity, CAP's provider packages): a minimal stand-in with the exact namespace,
/// type and method names, compiled into its own assembly and referenced as metadata, as the real package
/// would be (a type declared in the test source itself is source, which the catalog deliberately ignores).
/// </summary>
internal static class StandInLibrary
{
    private static readonly ConcurrentDictionary<string, MetadataReference> Compiled = new();

    public static MetadataReference Reference(string source) => Compiled.GetOrAdd(source, Compile);

    public static async Task VerifyAsync(string library, string source, string? editorconfig, params DiagnosticResult[] expected)
    {
        var test = Verify.CreateTest(source, editorconfig);
        test.TestState.AdditionalReferences.Add(Reference(library));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    private static MetadataReference Compile(string source)
    {
        var name = "StandIn" + (uint)StringComparer.Ordinal.GetHashCode(source);
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            Infrastructure.TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Stand-in library does not compile: " + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
