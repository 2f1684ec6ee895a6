using System.Text.Json.Nodes;
using JobSafety.Cli.Tests.Infrastructure;

namespace JobSafety.Cli.Tests.Scan;

/// <summary><c>jobsafety scan</c> on samples/CommentsApp: JS0001 x2, JS0002-JS0005 in Unsafe/CommentService.cs, nothing in Fixed/.</summary>
public sealed class ScanTests(ScanFixture fixture) : IClassFixture<ScanFixture>
{
    private const string UnsafeFile = "Unsafe/CommentService.cs";
    private static readonly string[] ExpectedRules = ["JS0001", "JS0001", "JS0002", "JS0003", "JS0004", "JS0005"];

    [Fact]
    public async Task Text_output_groups_the_findings_by_file_with_line_rule_message_and_fix()
    {
        // The one run with the CLI's own restore.
        var scan = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp");
        Assert.True(scan.ExitCode == 1, scan.Output);
        var lines = scan.StdOut.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(UnsafeFile, lines[0]);
        var findings = lines.Skip(1).TakeWhile(l => l.StartsWith("  line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ExpectedRules, findings.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]).Order().ToArray());
        Assert.Contains(findings, l => l.StartsWith("  line 22 ", StringComparison.Ordinal) && l.Contains("JS0001", StringComparison.Ordinal)
            && l.Contains("'connection.BeginTransactionAsync()' (line 20)", StringComparison.Ordinal)
            && l.EndsWith("Defer it with AfterCommit or move it after Commit().", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("'CommentService.ScheduleNotification' → 'IBackgroundJobClient.Enqueue'", StringComparison.Ordinal));
        Assert.DoesNotContain("Fixed/", scan.StdOut, StringComparison.Ordinal);
        Assert.Contains("6 findings in 1 file", scan.StdOut, StringComparison.Ordinal);
        Assert.Contains("jobsafety: analyzing 1/1 CommentsApp", scan.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_lists_every_finding_with_its_transaction_and_help_link()
    {
        var scan = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp", "--no-restore", "--format", "json");
        Assert.True(scan.ExitCode == 1, scan.Output);
        var report = JsonNode.Parse(scan.StdOut)!;
        Assert.Equal(6, report["count"]!.GetValue<int>());
        var findings = report["findings"]!.AsArray().Select(f => f!).ToList();
        Assert.Equal(ExpectedRules, findings.Select(f => f["ruleId"]!.GetValue<string>()).Order().ToArray());
        Assert.All(findings, f => Assert.Equal(UnsafeFile, f["file"]!.GetValue<string>()));
        Assert.All(findings, f => Assert.StartsWith("https://github.com/jobsafety/jobsafety/blob/main/docs/rules/JS000", f["helpUri"]!.GetValue<string>(), StringComparison.Ordinal));
        var first = findings.First(f => f["line"]!.GetValue<int>() == 22);
        Assert.Equal("JS0001", first["ruleId"]!.GetValue<string>());
        Assert.Equal(20, first["transaction"]!["line"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sarif_output_goes_to_the_output_file_with_rules_help_links_and_relative_locations()
    {
        var sarif = Path.Combine(fixture.Work, "scan.sarif");
        var scan = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp/CommentsApp.csproj", "--no-restore", "--format", "sarif", "--output", sarif);
        Assert.True(scan.ExitCode == 1, scan.Output);
        Assert.Equal("", scan.StdOut);
        var log = JsonNode.Parse(await File.ReadAllTextAsync(sarif))!;
        Assert.Equal("2.1.0", log["version"]!.GetValue<string>());
        var run = log["runs"]![0]!;
        var results = run["results"]!.AsArray().Select(r => r!).ToList();
        Assert.Equal(ExpectedRules, results.Select(r => r["ruleId"]!.GetValue<string>()).Order().ToArray());
        Assert.All(results, r => Assert.Equal(UnsafeFile, r["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>()));
        var rule = run["tool"]!["driver"]!["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "JS0001")!;
        Assert.Equal("https://github.com/jobsafety/jobsafety/blob/main/docs/rules/JS0001.md", rule["helpUri"]!.GetValue<string>());
        var js0001 = results.First(r => r["ruleId"]!.GetValue<string>() == "JS0001");
        Assert.Equal(rule, run["tool"]!["driver"]!["rules"]![js0001["ruleIndex"]!.GetValue<int>()]);
    }

    [Fact]
    public async Task A_baseline_hides_the_known_findings_and_a_new_finding_still_shows()
    {
        var baseline = Path.Combine(fixture.Work, "jobsafety-baseline.json");
        var write = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp", "--no-restore", "--write-baseline", baseline);
        Assert.True(write.ExitCode == 1, write.Output);
        var entries = JsonNode.Parse(await File.ReadAllTextAsync(baseline))!["findings"]!.AsArray();
        Assert.Equal(6, entries.Sum(e => e!["count"]!.GetValue<int>()));
        Assert.All(entries, e => Assert.DoesNotMatch(@"\(line \d", e!["message"]!.GetValue<string>()));

        var applied = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp", "--no-restore", "--baseline", baseline);
        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.Contains("No JobSafety findings", applied.StdOut, StringComparison.Ordinal);
        Assert.Contains("6 more in the baseline", applied.StdOut, StringComparison.Ordinal);

        // A copy of the sample with a new method at the top of the class: every old finding moves down 7 lines.
        var copy = CopySample();
        var file = Path.Combine(copy, "CommentsApp", "Unsafe", "CommentService.cs");
        var source = await File.ReadAllTextAsync(file);
        var classStart = source.IndexOf('{', source.IndexOf("public sealed class CommentService", StringComparison.Ordinal)) + 1;
        source = source.Insert(classStart, """

                public void Archive(NpgsqlConnection connection, long commentId)
                {
                    using var transaction = connection.BeginTransaction();
                    BackgroundJob.Enqueue(() => CommentJobs.NotifyAuthor(commentId));
                    transaction.Commit();
                }
            """);
        await File.WriteAllTextAsync(file, source);

        var scan = await Repo.JobSafetyAsync(copy, "scan", "CommentsApp", "--baseline", baseline, "--format", "json");
        Assert.True(scan.ExitCode == 1, scan.Output);
        var report = JsonNode.Parse(scan.StdOut)!;
        var finding = Assert.Single(report["findings"]!.AsArray())!;
        Assert.Equal("JS0001", finding["ruleId"]!.GetValue<string>());
        Assert.Equal(UnsafeFile, finding["file"]!.GetValue<string>());
        Assert.Contains("'BackgroundJob.Enqueue'", finding["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(6, report["baselined"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_missing_path_is_exit_2_with_a_clear_message()
    {
        var scan = await Repo.JobSafetyAsync(fixture.Work, "scan", "no/such/app");
        Assert.Equal(2, scan.ExitCode);
        Assert.Contains("'no/such/app' does not exist", scan.StdErr, StringComparison.Ordinal);
        Assert.Equal("", scan.StdOut);
    }

    [Fact]
    public async Task Usage_errors_and_paths_that_are_not_projects_are_exit_2()
    {
        var notProject = await Repo.JobSafetyAsync(Repo.Root, "scan", "README.md");
        Assert.Equal(2, notProject.ExitCode);
        Assert.Contains("is not a solution or C# project", notProject.StdErr, StringComparison.Ordinal);

        var empty = Path.Combine(fixture.Work, "empty");
        Directory.CreateDirectory(empty);
        var noProject = await Repo.JobSafetyAsync(fixture.Work, "scan", "empty");
        Assert.Equal(2, noProject.ExitCode);
        Assert.Contains("holds no solution (.sln, .slnx) and no C# project (.csproj)", noProject.StdErr, StringComparison.Ordinal);

        var badFormat = await Repo.JobSafetyAsync(Repo.Root, "scan", "samples/CommentsApp", "--format", "xml");
        Assert.Equal(2, badFormat.ExitCode);
        Assert.Contains("unknown format 'xml'", badFormat.StdErr, StringComparison.Ordinal);

        var noCommand = await Repo.JobSafetyAsync(Repo.Root);
        Assert.Equal(2, noCommand.ExitCode);

        var help = await Repo.JobSafetyAsync(Repo.Root, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--write-baseline FILE", help.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_project_that_does_not_restore_or_load_is_exit_2_and_a_broken_reference_is_a_warning()
    {
        var directory = Path.Combine(fixture.Work, "broken");
        var feed = Path.Combine(directory, "feed");
        Directory.CreateDirectory(feed);
        await File.WriteAllTextAsync(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <configuration><packageSources><clear /><add key="empty" value="{feed}" /></packageSources></configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Broken.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="JobSafety.NoSuchPackage" Version="1.0.0" /></ItemGroup>
            </Project>
            """);
        var unrestorable = await Repo.JobSafetyAsync(directory, "scan", ".");
        Assert.Equal(2, unrestorable.ExitCode);
        Assert.Contains("'dotnet restore Broken.csproj' failed", unrestorable.StdErr, StringComparison.Ordinal);
        Assert.Contains("JobSafety.NoSuchPackage", unrestorable.StdErr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(directory, "Broken.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><ProjectReference Include="../nowhere/Missing.csproj" /></ItemGroup>
            </Project>
            """);
        // A project that loads with a broken reference is scanned, and MSBuild's complaint is shown.
        var incomplete = await Repo.JobSafetyAsync(directory, "scan", "Broken.csproj");
        Assert.True(incomplete.ExitCode == 0, incomplete.Output);
        Assert.Contains("problem(s) while loading Broken.csproj", incomplete.StdErr, StringComparison.Ordinal);
        Assert.Contains("Missing.csproj does not exist", incomplete.StdErr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(directory, "Broken.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>");
        var malformed = await Repo.JobSafetyAsync(directory, "scan", "Broken.csproj", "--no-restore");
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("could not load Broken.csproj", malformed.StdErr, StringComparison.Ordinal);
    }

    /// <summary>samples/CommentsApp in a temp dir, with the repository's Directory.*.props and without the analyzer project reference.</summary>
    private string CopySample()
    {
        var root = Path.Combine(fixture.Work, "copy-" + Guid.NewGuid().ToString("N")[..8]);
        var target = Path.Combine(root, "CommentsApp");
        foreach (var file in Directory.EnumerateFiles(Repo.Sample, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Repo.Sample, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        File.Copy(Path.Combine(Repo.Root, "Directory.Build.props"), Path.Combine(root, "Directory.Build.props"));
        File.Copy(Path.Combine(Repo.Root, "Directory.Packages.props"), Path.Combine(root, "Directory.Packages.props"));
        var project = Path.Combine(target, "CommentsApp.csproj");
        var lines = File.ReadAllLines(project).Where(l => !l.Contains("src/Analyzers", StringComparison.Ordinal));
        File.WriteAllLines(project, lines);
        return root;
    }
}
