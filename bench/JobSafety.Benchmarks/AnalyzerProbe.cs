using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Benchmarks;

/// <summary>
/// Where does the analyzers' cost come from? Times several analyzer sets on one compilation in rotating order (CPU and
/// wall medians): the empty analyzer (registers nothing, the NetAnalyzers baseline), analyzers that only register a kind
/// of callback and do nothing in it (what the driver itself charges for that kind), and each JobSafety analyzer.
/// <c>JobSafety.Benchmarks --probe [files] [rounds]</c>.
/// </summary>
public static class AnalyzerProbe
{
    public static async Task RunAsync(int files, int rounds, bool build, TextWriter output, CorpusKind corpus = CorpusKind.Diagnostic)
    {
        var compilation = AnalyzerOverheadBenchmarks.CreateCompilation(files, corpus);
        var sets = new (string Name, Func<DiagnosticAnalyzer[]> Create)[]
        {
            ("empty (registers nothing)", () => new DiagnosticAnalyzer[] { new EmptyAnalyzer() }),
            ("no-op operation action (Invocation)", () => new DiagnosticAnalyzer[] { new NoopOperationAnalyzer() }),
            ("no-op operation block start", () => new DiagnosticAnalyzer[] { new NoopBlockStartAnalyzer() }),
            ("no-op semantic model action", () => new DiagnosticAnalyzer[] { new NoopSemanticModelAnalyzer() }),
            ("no-op syntax tree action", () => new DiagnosticAnalyzer[] { new NoopSyntaxTreeAnalyzer() }),
            ("SideEffectInTransaction", () => new DiagnosticAnalyzer[] { new SideEffectInTransactionAnalyzer() }),
            ("ConnectionBoundJobArgument", () => new DiagnosticAnalyzer[] { new ConnectionBoundJobArgumentAnalyzer() }),
            ("JobSafety (both)", AnalyzerOverheadBenchmarks.AllJobSafety),
        };

        foreach (var set in sets)
        {
            await AnalyzerOverheadBenchmarks.Analyze(compilation, set.Create());
        }

        var cpu = sets.Select(_ => new List<double>()).ToArray();
        var wall = sets.Select(_ => new List<double>()).ToArray();
        var allocated = sets.Select(_ => new List<double>()).ToArray();
        var diagnostics = new int[sets.Length];
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < sets.Length; k++)
            {
                var i = (k + round) % sets.Length;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var a0 = GC.GetTotalAllocatedBytes(true);
                var c0 = Environment.CpuUsage.TotalTime;
                var sw = Stopwatch.StartNew();
                var withAnalyzers = AnalyzerOverheadBenchmarks.CreateWithAnalyzers(compilation, false, sets[i].Create());
                var result = build ? await withAnalyzers.GetAllDiagnosticsAsync() : await withAnalyzers.GetAnalyzerDiagnosticsAsync();
                wall[i].Add(sw.Elapsed.TotalMilliseconds);
                cpu[i].Add((Environment.CpuUsage.TotalTime - c0).TotalMilliseconds);
                allocated[i].Add((GC.GetTotalAllocatedBytes(true) - a0) / 1048576.0);
                diagnostics[i] = result.Count(d => !d.Id.StartsWith("CS", StringComparison.Ordinal));
            }
        }

        var c = CultureInfo.InvariantCulture;
        var baseCpu = AnalyzerOverheadHarness.Median(cpu[0]);
        var baseWall = AnalyzerOverheadHarness.Median(wall[0]);
        output.WriteLine(string.Format(c, "files={0} rounds={1} ({3} corpus, {2})", files, rounds, build ? "build: GetAllDiagnosticsAsync" : "analyzers only: GetAnalyzerDiagnosticsAsync", corpus));
        for (var i = 0; i < sets.Length; i++)
        {
            var mc = AnalyzerOverheadHarness.Median(cpu[i]);
            var mw = AnalyzerOverheadHarness.Median(wall[i]);
            output.WriteLine(string.Format(c, "  {0,-40} cpu {1,8:F0} ms ({2:F3})  wall {3,8:F0} ms ({4:F3})  allocated {5,8:F1} MB  diagnostics {6}", sets[i].Name, mc, mc / baseCpu, mw, mw / baseWall, AnalyzerOverheadHarness.Median(allocated[i]), diagnostics[i]));
        }
    }

    private abstract class Noop : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("NOOP0001", "Noop", "Noop", "Noop", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            Register(context);
        }

        protected abstract void Register(AnalysisContext context);
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoopOperationAnalyzer : Noop
    {
        protected override void Register(AnalysisContext context) => context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoopBlockStartAnalyzer : Noop
    {
        protected override void Register(AnalysisContext context) => context.RegisterOperationBlockStartAction(_ => { });
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoopSemanticModelAnalyzer : Noop
    {
        protected override void Register(AnalysisContext context) => context.RegisterSemanticModelAction(_ => { });
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoopSyntaxTreeAnalyzer : Noop
    {
        protected override void Register(AnalysisContext context) => context.RegisterSyntaxTreeAction(_ => { });
    }
}
