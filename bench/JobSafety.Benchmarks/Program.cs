using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using JobSafety.Benchmarks;

// Modes:
//   --analyzers [--quick]   interleaved analyzer overhead: ratio, per-analyzer execution time, growth 250..2000 files
//   --telemetry             same as --analyzers (old name)
//   --e2e [--quick]         interleaved end to end on PostgreSQL: raw Npgsql vs the JobSafety wrapper (0 / 5 AfterCommit)
//   anything else           BenchmarkDotNet (e.g. --filter '*GuardNoTransaction*'); --quick uses a short job
var quick = args.Contains("--quick");
if (args.Contains("--analyzers") || args.Contains("--telemetry"))
{
    await AnalyzerOverheadHarness.RunAsync(quick, Console.Out);
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
