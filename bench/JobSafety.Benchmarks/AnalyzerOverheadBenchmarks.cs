using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Benchmarks;

/// <summary>
/// The NetAnalyzers pattern: the same generated compilation analysed with an empty analyzer (the
/// baseline) and with JobSafety's analyzers, in one run. The ratio is the analyzers' cost.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerOverheadBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [Params(1000)]
    public int Files { get; set; }

    [GlobalSetup]
    public void Setup() => _compilation = CreateCompilation(Files);

    [Benchmark(Baseline = true)]
    public Task<ImmutableArray<Diagnostic>> EmptyAnalyzer() => Analyze(_compilation, new EmptyAnalyzer());

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> JobSafetyAnalyzers() => Analyze(_compilation, new SideEffectInTransactionAnalyzer(), new ConnectionBoundJobArgumentAnalyzer());

    internal static CSharpCompilation CreateCompilation(int files)
    {
        var trees = CorpusGenerator.Generate(files).Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"File{i}.cs")).ToArray();
        return CSharpCompilation.Create("Bench", trees, AnalyzerReferences.Load(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    internal static Task<ImmutableArray<Diagnostic>> Analyze(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
    {
        // A fresh clone each time: no semantic caches carried over from the previous run.
        var fresh = compilation.Clone();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        return fresh.WithAnalyzers(ImmutableArray.Create(analyzers), options).GetAnalyzerDiagnosticsAsync();
    }
}

/// <summary>The baseline: an analyzer that registers the same kind of callbacks and does nothing in them.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("EMPTY0001", "Empty", "Empty", "Empty", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }
}
