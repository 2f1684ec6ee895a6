using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Benchmarks;

/// <summary>
/// Analyzer overhead measured fairly on a noisy machine: one compilation per size, both sides warmed, then rounds that
/// alternate the order (empty, JobSafety / JobSafety, empty), a full GC before every run, medians over the rounds.
/// Two measures, both against the empty analyzer of the NetAnalyzers performance tests (it registers nothing):
/// <list type="bullet">
/// <item><b>build</b>: <c>CompilationWithAnalyzers.GetAllDiagnosticsAsync</c>, the compiler's diagnostics plus the
/// analyzers', i.e. what a build pays (without emit). Its ratio is the one with the ≤ 1.05 target.</item>
/// <item><b>analyzers only</b>: <c>GetAnalyzerDiagnosticsAsync</c>. The empty analyzer costs ~nothing here (the driver
/// has nothing to run), so the ratio is meaningless; the absolute time per file is reported instead.</item>
/// </list>
/// Also each analyzer's own execution time from <c>GetAnalyzerTelemetryInfoAsync</c>, and the growth with input size.
/// </summary>
public static class AnalyzerOverheadHarness
{
    /// <summary>One measure (build or analyzers only): wall-clock and process CPU time (<see cref="Environment.CpuUsage"/>,
    /// all threads) medians, the ratio of the medians and the median / range of the per-round paired ratios.</summary>
    public sealed record Measure(double EmptyMs, double JobSafetyMs, double RatioOfMedians, double MedianPairedRatio, double MinPairedRatio, double MaxPairedRatio,
        double EmptyCpuMs, double JobSafetyCpuMs, double CpuRatioOfMedians, double CpuMedianPairedRatio, double CpuMinPairedRatio, double CpuMaxPairedRatio);

    /// <summary>One size/corpus.</summary>
    public sealed record Row(int Files, CorpusKind Corpus, Measure Build, Measure AnalyzersOnly, int Diagnostics, IReadOnlyDictionary<string, double> ExecutionMs, double ExecutionFraction);

    public static async Task<List<Row>> RunAsync(bool quick, TextWriter output)
    {
        var cases = quick
            ? new[] { (100, CorpusKind.Clean), (100, CorpusKind.Diagnostic), (200, CorpusKind.Diagnostic) }
            : new[] { (1000, CorpusKind.Clean), (250, CorpusKind.Diagnostic), (500, CorpusKind.Diagnostic), (1000, CorpusKind.Diagnostic), (2000, CorpusKind.Diagnostic) };
        var rounds = quick ? 2 : 5;
        var rows = new List<Row>();
        var firstCase = true;
        foreach (var (files, corpus) in cases)
        {
            rows.Add(await MeasureAsync(files, corpus, files >= 2000 ? Math.Min(rounds, 3) : rounds, warmups: firstCase ? 2 : 1, telemetryRuns: 1));
            firstCase = false;
            Print(rows[^1], output);
        }

        PrintGrowth(rows, output);
        return rows;
    }

    public static async Task<Row> MeasureAsync(int files, CorpusKind corpus, int rounds, int warmups, int telemetryRuns)
    {
        var compilation = AnalyzerOverheadBenchmarks.CreateCompilation(files, corpus);
        for (var i = 0; i < warmups; i++)
        {
            foreach (var build in new[] { false, true })
            {
                await TimeAsync(compilation, build, new EmptyAnalyzer());
                await TimeAsync(compilation, build, AnalyzerOverheadBenchmarks.AllJobSafety());
            }
        }

        var samples = new Dictionary<(bool Build, bool JobSafety), List<Sample>>();
        foreach (var build in new[] { false, true })
        {
            samples[(build, false)] = new List<Sample>();
            samples[(build, true)] = new List<Sample>();
        }

        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order of the four runs from round to round.
            var order = new[] { (false, false), (false, true), (true, false), (true, true) };
            for (var k = 0; k < order.Length; k++)
            {
                var (build, jobSafety) = order[(k + round) % order.Length];
                var sample = jobSafety
                    ? await TimeAsync(compilation, build, AnalyzerOverheadBenchmarks.AllJobSafety())
                    : await TimeAsync(compilation, build, new EmptyAnalyzer());
                samples[(build, jobSafety)].Add(sample);
            }
        }

        // Telemetry runs are separate: logging execution time has its own cost and must not be in the timed runs.
        var execution = new Dictionary<string, List<double>>();
        for (var i = 0; i < telemetryRuns; i++)
        {
            var analyzers = AnalyzerOverheadBenchmarks.AllJobSafety();
            var withAnalyzers = AnalyzerOverheadBenchmarks.CreateWithAnalyzers(compilation, true, analyzers);
            await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            foreach (var analyzer in analyzers)
            {
                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
                var name = analyzer.GetType().Name;
                if (!execution.TryGetValue(name, out var list)) execution[name] = list = new List<double>();
                list.Add(telemetry.ExecutionTime.TotalMilliseconds);
            }
        }

        var executionMs = execution.ToDictionary(kv => kv.Key, kv => Median(kv.Value));
        var buildMeasure = Summarise(samples[(true, false)], samples[(true, true)]);
        return new Row(files, corpus, buildMeasure, Summarise(samples[(false, false)], samples[(false, true)]),
            samples[(false, true)][^1].Diagnostics, executionMs, executionMs.Values.Sum() / buildMeasure.EmptyMs);
    }

    private static Measure Summarise(List<Sample> empty, List<Sample> jobSafety)
    {
        var paired = empty.Zip(jobSafety, (e, j) => j.WallMs / e.WallMs).ToList();
        var pairedCpu = empty.Zip(jobSafety, (e, j) => j.CpuMs / e.CpuMs).ToList();
        var ew = Median(empty.Select(x => x.WallMs));
        var jw = Median(jobSafety.Select(x => x.WallMs));
        var ec = Median(empty.Select(x => x.CpuMs));
        var jc = Median(jobSafety.Select(x => x.CpuMs));
        return new Measure(ew, jw, jw / ew, Median(paired), paired.Min(), paired.Max(), ec, jc, jc / ec, Median(pairedCpu), pairedCpu.Min(), pairedCpu.Max());
    }

    private readonly record struct Sample(double WallMs, double CpuMs, int Diagnostics);

    private static async Task<Sample> TimeAsync(Compilation compilation, bool build, params DiagnosticAnalyzer[] analyzers)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var cpu = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        var withAnalyzers = AnalyzerOverheadBenchmarks.CreateWithAnalyzers(compilation, false, analyzers);
        var result = build ? await withAnalyzers.GetAllDiagnosticsAsync() : await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var wall = sw.Elapsed.TotalMilliseconds;
        return new Sample(wall, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds, result.Count(d => d.Id.StartsWith("JS", StringComparison.Ordinal)));
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Print(Row r, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "files={0} corpus={1} diagnostics={2}", r.Files, r.Corpus, r.Diagnostics));
        PrintMeasure("build (compiler + analyzers)", r.Build, r.Files, output);
        PrintMeasure("analyzers only", r.AnalyzersOnly, r.Files, output);
        output.WriteLine(string.Format(c, "    analyzers' own execution (telemetry)={0:F1}ms = {1:P1} of the baseline build's wall total", r.ExecutionMs.Values.Sum(), r.ExecutionFraction));
        foreach (var (name, ms) in r.ExecutionMs) output.WriteLine(string.Format(c, "    {0}: execution {1:F1} ms ({2:F1} µs/file)", name, ms, ms * 1000 / r.Files));
    }

    private static void PrintMeasure(string name, Measure m, int files, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c,
            "    {0}\n      wall: empty={1:F0}ms jobsafety={2:F0}ms (+{3:F1} µs/file) ratio(medians)={4:F3} ratio(paired median)={5:F3} [min {6:F3}, max {7:F3}]" +
            "\n      cpu:  empty={8:F0}ms jobsafety={9:F0}ms (+{10:F1} µs/file) ratio(medians)={11:F3} ratio(paired median)={12:F3} [min {13:F3}, max {14:F3}]",
            name, m.EmptyMs, m.JobSafetyMs, (m.JobSafetyMs - m.EmptyMs) * 1000 / files, m.RatioOfMedians, m.MedianPairedRatio, m.MinPairedRatio, m.MaxPairedRatio,
            m.EmptyCpuMs, m.JobSafetyCpuMs, (m.JobSafetyCpuMs - m.EmptyCpuMs) * 1000 / files, m.CpuRatioOfMedians, m.CpuMedianPairedRatio, m.CpuMinPairedRatio, m.CpuMaxPairedRatio));
    }

    private static void PrintGrowth(List<Row> rows, TextWriter output)
    {
        var series = rows.Where(r => r.Corpus == CorpusKind.Diagnostic).OrderBy(r => r.Files).ToList();
        if (series.Count < 2) return;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("growth (Diagnostic corpus; per-file cost should stay flat for linear growth):");
        foreach (var r in series)
        {
            output.WriteLine(string.Format(c, "    files={0,5}: build cpu empty {1,7:F1} / jobsafety {2,7:F1} µs/file; analyzers only cpu {3,7:F1} µs/file; analyzers' execution {4,6:F1} µs/file",
                r.Files, r.Build.EmptyCpuMs * 1000 / r.Files, r.Build.JobSafetyCpuMs * 1000 / r.Files, r.AnalyzersOnly.JobSafetyCpuMs * 1000 / r.Files,
                r.ExecutionMs.Values.Sum() * 1000 / r.Files));
        }

        var first = series[0];
        var last = series[^1];
        output.WriteLine(string.Format(c, "    analyzers-only cpu per file, {0} vs {1} files: x{2:F2} (1.00 = linear)", last.Files, first.Files,
            (last.AnalyzersOnly.JobSafetyCpuMs / last.Files) / (first.AnalyzersOnly.JobSafetyCpuMs / first.Files)));
    }
}
