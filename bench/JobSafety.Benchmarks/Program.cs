using System.Collections.Immutable;
using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using JobSafety.Analyzers.Rules;
using JobSafety.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

if (args.Length > 0 && args[0] == "--telemetry")
{
    // Per-analyzer execution time (GetAnalyzerTelemetryInfoAsync) and the growth with input size.
    foreach (var files in new[] { 250, 500, 1000, 2000 })
    {
        var compilation = AnalyzerOverheadBenchmarks.CreateCompilation(files);
        var emptyTimes = new List<double>();
        var jsTimes = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            await AnalyzerOverheadBenchmarks.Analyze(compilation, new EmptyAnalyzer());
            emptyTimes.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            await AnalyzerOverheadBenchmarks.Analyze(compilation, new SideEffectInTransactionAnalyzer(), new ConnectionBoundJobArgumentAnalyzer());
            jsTimes.Add(sw.Elapsed.TotalMilliseconds);
        }

        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new SideEffectInTransactionAnalyzer(), new ConnectionBoundJobArgumentAnalyzer());
        var withAnalyzers = compilation.Clone().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, true, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Console.WriteLine($"files={files} empty={emptyTimes.Order().ElementAt(1):F0}ms jobsafety={jsTimes.Order().ElementAt(1):F0}ms ratio={jsTimes.Order().ElementAt(1) / emptyTimes.Order().ElementAt(1):F3} diagnostics={diagnostics.Length}");
        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            Console.WriteLine($"    {analyzer.GetType().Name}: execution {telemetry.ExecutionTime.TotalMilliseconds:F1} ms");
        }
    }

    return;
}

var config = args.Contains("--quick")
    ? ManualConfig.Create(DefaultConfig.Instance).AddJob(BenchmarkDotNet.Jobs.Job.Dry).WithOptions(ConfigOptions.DisableOptimizationsValidator)
    : DefaultConfig.Instance;
BenchmarkSwitcher.FromAssembly(typeof(AnalyzerOverheadBenchmarks).Assembly).Run(args.Where(a => a != "--quick").ToArray(), config);
