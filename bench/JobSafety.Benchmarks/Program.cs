using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using JobSafety.Benchmarks;

// Modes:
//   --analyzers [--quick]   interleaved analyzer overhead: ratio, per-analyzer execution time, growth 250..2000 files
//   --telemetry             same as --analyzers (old name)
//   --probe [files] [rounds] [--build] [--ordinary] where the analyzers' cost comes from: no-op analyzers per callback kind vs each analyzer
//   --e2e [--quick]         interleaved end to end on PostgreSQL: raw Npgsql vs the JobSafety wrapper (0 / 5 AfterCommit)
//   anything else           BenchmarkDotNet (e.g. --filter '*GuardNoTransaction*'); --quick uses a short job
var quick = args.Contains("--quick");
if (args.Contains("--analyzers") || args.Contains("--telemetry"))
{
    await AnalyzerOverheadHarness.RunAsync(quick, Console.Out);
    return;
}

if (args.Contains("--probe"))
{
    var numbers = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).ToArray();
    await AnalyzerProbe.RunAsync(numbers.Length > 0 ? numbers[0] : 500, numbers.Length > 1 ? numbers[1] : 3, args.Contains("--build"), Console.Out, args.Contains("--ordinary") ? CorpusKind.Ordinary : CorpusKind.Diagnostic);
    return;
}

if (args.Contains("--profile"))
{
    // For a profiler: only JobSafety's analyzers, again and again, on one compilation.
    var numbers = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).ToArray();
    var compilation = AnalyzerOverheadBenchmarks.CreateCompilation(numbers.Length > 0 ? numbers[0] : 300, CorpusKind.Diagnostic);
    for (var i = 0; i < (numbers.Length > 1 ? numbers[1] : 20); i++)
    {
        await AnalyzerOverheadBenchmarks.Analyze(compilation, AnalyzerOverheadBenchmarks.AllJobSafety());
    }

    return;
}

if (args.Contains("--e2e"))
{
    await EndToEndBenchmarks.Interleaved(quick, Console.Out);
    return;
}

var config = quick
    ? ManualConfig.Create(DefaultConfig.Instance).AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1))
    : ManualConfig.Create(DefaultConfig.Instance).AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(15));
BenchmarkSwitcher.FromAssembly(typeof(AnalyzerOverheadBenchmarks).Assembly).Run(args.Where(a => a != "--quick").ToArray(), config);
