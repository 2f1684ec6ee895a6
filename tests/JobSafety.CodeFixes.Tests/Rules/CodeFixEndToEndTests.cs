using System.Diagnostics;

namespace JobSafety.CodeFixes.Tests.Rules;

/// <summary>
/// The fixes as a user runs them from the command line: copy E2E/Sample (flagged code, the analyzer and
/// code-fix DLLs of this build as &lt;Analyzer&gt; items) to a temp dir, run `dotnet format analyzers`
/// for JS0001-JS0003, then `dotnet build` must succeed with no JS diagnostic left.
/// </summary>
public class CodeFixEndToEndTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Dotnet_format_applies_the_fixes_and_the_result_builds_clean()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "E2E", "Sample");
        Assert.True(File.Exists(Path.Combine(source, "Sample.csproj")), "E2E/Sample is copied to the test output");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "JobSafety.CodeFixes.dll")));

        var work = Path.Combine(Path.GetTempPath(), "jobsafety-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(work, Path.GetFileName(file)));
            }

            // The sample takes the analyzer directory from an MSBuild property; dotnet format has no -p, so a props file sets it.
            await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.props"), $"""
                <Project>
                  <PropertyGroup>
                    <JobSafetyAnalyzersDir>{AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)}</JobSafetyAnalyzersDir>
                  </PropertyGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(work, "Directory.Packages.props"), "<Project />");

            var before = await File.ReadAllTextAsync(Path.Combine(work, "CommentService.cs"));
            var restore = await RunDotnetAsync(work, "restore", "Sample.csproj");
            Assert.True(restore.ExitCode == 0, restore.Output);

            var format = await RunDotnetAsync(work, "format", "analyzers", "Sample.csproj", "--no-restore", "--diagnostics", "JS0001", "JS0002", "JS0003", "--severity", "info");
            Assert.True(format.ExitCode == 0, format.Output);
            var after = await File.ReadAllTextAsync(Path.Combine(work, "CommentService.cs"));
            Assert.NotEqual(before, after);

            var build = await RunDotnetAsync(work, "build", "Sample.csproj", "--no-restore", "-nologo", "-clp:NoSummary");
            Assert.True(build.ExitCode == 0, build.Output);
            Assert.DoesNotContain("warning JS", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("error JS", build.Output, StringComparison.Ordinal);

            // The moved statements keep their order and comments.
            Assert.Contains("""
                        tx.Commit();
                        // tell the author
                        BackgroundJob.Enqueue(() => Notify(commentId));
                        BackgroundJob.Enqueue(() => Notify(commentId + 1));
                """.ReplaceLineEndings("\n"), after.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunDotnetAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {StepTimeout.TotalSeconds} s");
        }

        var output = $"dotnet {string.Join(' ', arguments)} (exit {process.ExitCode})\n{await stdout}\n{await stderr}";
        return (process.ExitCode, output);
    }
}
