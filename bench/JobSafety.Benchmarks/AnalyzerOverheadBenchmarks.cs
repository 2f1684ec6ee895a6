using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Benchmarks;

/// <summary>
/// The NetAnalyzers pattern: the same generated compilation analysed with an empty analyzer (the
/// baseline) and with JobSafety's analyzers, in one run. The ratio is the analyzers' cost. Per analyzer a
/// no-diagnostic (Clean) and a diagnostic corpus. The interleaved, median-based numbers in docs/benchmarks.md come
/// from <see cref="AnalyzerOverheadHarness"/> (<c>--analyzers</c>), which alternates the same calls.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerOverheadBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [Params(1000)]
    public int Files { get; set; } = 1000;

    [Params(CorpusKind.Clean, CorpusKind.Diagnostic)]
    public CorpusKind Corpus { get; set; } = CorpusKind.Diagnostic;

    [GlobalSetup]
    public void Setup() => _compilation = CreateCompilation(Files, Corpus);

    [Benchmark(Baseline = true)]
    public Task<ImmutableArray<Diagnostic>> EmptyAnalyzer() => Analyze(_compilation, new EmptyAnalyzer());

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> SideEffectInTransaction() => Analyze(_compilation, new SideEffectInTransactionAnalyzer());

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> ConnectionBoundJobArgument() => Analyze(_compilation, new ConnectionBoundJobArgumentAnalyzer());

    [Benchmark]
    public Task<ImmutableArray<Diagnostic>> JobSafetyAnalyzers() => Analyze(_compilation, AllJobSafety());

    internal static DiagnosticAnalyzer[] AllJobSafety() => new DiagnosticAnalyzer[] { new SideEffectInTransactionAnalyzer(), new ConnectionBoundJobArgumentAnalyzer() };

    internal static CSharpCompilation CreateCompilation(int files, CorpusKind corpus = CorpusKind.Diagnostic)
    {
        var trees = CorpusGenerator.Generate(files, corpus).Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"File{i}.cs")).ToArray();
        return CSharpCompilation.Create("Bench", trees, AnalyzerReferences.Load(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    internal static Task<ImmutableArray<Diagnostic>> Analyze(Compilation compilation, params DiagnosticAnalyzer[] analyzers) =>
        CreateWithAnalyzers(compilation, false, analyzers).GetAnalyzerDiagnosticsAsync();

    internal static CompilationWithAnalyzers CreateWithAnalyzers(Compilation compilation, bool logExecutionTime, params DiagnosticAnalyzer[] analyzers)
    {
        // A fresh clone each time: no semantic caches carried over from the previous run, so both sides pay the same binding.
        var fresh = compilation.Clone();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: logExecutionTime);
        return fresh.WithAnalyzers(ImmutableArray.Create(analyzers), options);
    }
}

/// <summary>The baseline, as in the NetAnalyzers performance tests: an analyzer that registers nothing, so the ratio
/// includes everything the driver does because JobSafety registers callbacks (building operation trees, semantic models).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EmptyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("EMPTY0001", "Empty", "Empty", "Empty", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
    }
}
