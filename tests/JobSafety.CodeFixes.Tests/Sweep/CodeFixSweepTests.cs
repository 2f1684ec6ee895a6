using Xunit.Abstractions;

namespace JobSafety.CodeFixes.Tests.Sweep;

/// <summary>
/// The code fixes on the real-world shapes of the analyzer tests (Sweep/Data: copies of those sources, markup
/// removed, plus a few shapes of their own): for every JS0001–JS0004 finding, every fix offered (the runtime is
/// referenced, so both kinds can be) must give code that compiles with no new error, no longer has that finding
/// and has no new JobSafety diagnostic; so must Fix All in document, per fix kind, where it fixes several.
/// Set JOBSAFETY_SWEEP_DIR to run the same checks on another folder of sources, JOBSAFETY_SWEEP_SHOW=1 to print
/// every fixed source (detailed console logger).
/// </summary>
public class CodeFixSweepTests
{
    private readonly ITestOutputHelper _output;

    public CodeFixSweepTests(ITestOutputHelper output) => _output = output;

    private static string DataDirectory =>
        Environment.GetEnvironmentVariable("JOBSAFETY_SWEEP_DIR") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "Sweep", "Data");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<CodeFixSweep.Result>> Results = new();

    private static Task<CodeFixSweep.Result> SweepAsync(string file) =>
        Results.GetOrAdd(file, async name => await CodeFixSweep.RunAsync(name, await File.ReadAllTextAsync(Path.Combine(DataDirectory, name))));

    public static IEnumerable<object[]> Sources() =>
        Directory.GetFiles(DataDirectory, "*.cs").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Every_fix_offered_compiles_and_removes_its_finding(string file)
    {
        var result = await SweepAsync(file);
        _output.WriteLine($"{file}: {result.Findings} findings, {result.FixesApplied} fixes, {result.FixAllApplied} Fix All");
        result.Shown.ForEach(_output.WriteLine);
        Assert.True(result.Findings > 0, $"{file}: no JS0001-JS0004 finding (the sweep checks nothing here)");
        Assert.True(result.Problems.Count == 0, string.Join("\n\n", result.Problems));
    }

    [Fact]
    public async Task The_sweep_covers_enough_shapes_and_fixes()
    {
        int files = 0, fixes = 0, fixAll = 0;
        foreach (var row in Sources())
        {
            var file = (string)row[0];
            var result = await SweepAsync(file);
            files++;
            fixes += result.FixesApplied;
            fixAll += result.FixAllApplied;
            _output.WriteLine($"{file}: {result.Findings} findings, {result.FixesApplied} fixes, {result.FixAllApplied} Fix All");
        }

        _output.WriteLine($"{files} sources, {fixes} fixes, {fixAll} Fix All");
        Assert.True(files >= 40, $"only {files} sources");
        Assert.True(fixes >= files, $"only {fixes} fixes applied on {files} sources");
        Assert.True(fixAll >= 10, $"only {fixAll} Fix All applied");
    }
}
