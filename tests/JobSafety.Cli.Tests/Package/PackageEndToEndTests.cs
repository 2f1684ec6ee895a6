using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using JobSafety.Cli.Tests.Infrastructure;

namespace JobSafety.Cli.Tests.Package;

/// <summary>The JobSafety.Analyzers package as a user meets it: restored from a feed, built, in CI, with SARIF and dotnet format.</summary>
public sealed class PackageEndToEndTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    private const string HelpLink = "https://github.com/jobsafety/jobsafety/blob/main/docs/rules/JS0001.md";

    [Fact]
    public void Analyzer_package_holds_both_assemblies_the_build_props_and_the_metadata()
    {
        Assert.True(fixture.AnalyzersPack.ExitCode == 0, fixture.AnalyzersPack.Output);
        using var zip = ZipFile.OpenRead(fixture.AnalyzersPackage);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("analyzers/dotnet/cs/JobSafety.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/JobSafety.CodeFixes.dll", entries);
        Assert.Contains("build/JobSafety.Analyzers.props", entries);
        Assert.Contains("buildTransitive/JobSafety.Analyzers.props", entries);
        Assert.Contains("config/jobsafety.errors.globalconfig", entries);
        Assert.Contains("config/jobsafety.none.globalconfig", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        var metadata = Nuspec(zip);
        Assert.Equal("JobSafety.Analyzers", Value(metadata, "id"));
        Assert.Equal(fixture.Version, Value(metadata, "version"));
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("roslyn", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Equal("https://github.com/jobsafety/jobsafety", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")?.Value);
        Assert.DoesNotContain(metadata.Elements(), e => e.Name.LocalName == "dependencies");

        var config = new StreamReader(zip.GetEntry("config/jobsafety.errors.globalconfig")!.Open()).ReadToEnd();
        Assert.Contains("is_global = true", config, StringComparison.Ordinal);
        Assert.Contains("global_level = -1", config, StringComparison.Ordinal);
        Assert.Contains("dotnet_diagnostic.JS0001.severity = error", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_package_packs_with_symbols_readme_and_tags()
    {
        Assert.True(fixture.RuntimePack.ExitCode == 0, fixture.RuntimePack.Output);
        Assert.True(File.Exists(Path.ChangeExtension(fixture.RuntimePackage, ".snupkg")), "a .snupkg next to the runtime package");
        using var zip = ZipFile.OpenRead(fixture.RuntimePackage);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains(entries, e => e.StartsWith("lib/net8.0/JobSafety.Runtime.dll", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.StartsWith("lib/net10.0/JobSafety.Runtime.dll", StringComparison.Ordinal));
        Assert.Contains("README.md", entries);
        var metadata = Nuspec(zip);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("transactions", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.Equal("MIT", Value(metadata, "license"));
    }

    [Fact]
    public async Task Default_build_reports_JS0001_as_a_warning_and_the_SARIF_log_carries_the_help_link()
    {
        var sarif = Path.Combine(fixture.Consumer, "jobsafety.sarif");
        // A comma in -p separates properties: escape it (%2C) as a user would in a command line.
        var build = await Repo.DotnetAsync(fixture.Consumer, "build", "Consumer.csproj", "--no-restore", "--no-incremental", "-nologo",
            $"-p:ErrorLog={sarif}%2Cversion%3D2.1");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("Orders.cs(11,9): warning JS0001:", build.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("error JS0001", build.StdOut, StringComparison.Ordinal);

        var log = JsonNode.Parse(await File.ReadAllTextAsync(sarif))!;
        Assert.Equal("2.1.0", log["version"]!.GetValue<string>());
        var run = log["runs"]![0]!;
        var result = run["results"]!.AsArray().Single(r => r!["ruleId"]!.GetValue<string>() == "JS0001")!;
        Assert.Equal("warning", result["level"]!.GetValue<string>());
        Assert.Contains("conn.BeginTransaction()", result["message"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var rule = run["tool"]!["driver"]!["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "JS0001")!;
        Assert.Equal(HelpLink, rule["helpUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_mode_fails_the_build_with_JS0001_as_an_error()
    {
        var build = await Repo.DotnetAsync(fixture.Consumer, "build", "Consumer.csproj", "--no-restore", "--no-incremental", "-nologo",
            "-p:JobSafetyAnalysisMode=errors");
        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Contains("Orders.cs(11,9): error JS0001:", build.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task None_mode_turns_the_rules_off_and_an_unknown_mode_is_a_build_error()
    {
        var none = await Repo.DotnetAsync(fixture.Consumer, "build", "Consumer.csproj", "--no-restore", "--no-incremental", "-nologo",
            "-p:JobSafetyAnalysisMode=none");
        Assert.True(none.ExitCode == 0, none.Output);
        Assert.DoesNotContain("JS0001", none.StdOut, StringComparison.Ordinal);

        var bogus = await Repo.DotnetAsync(fixture.Consumer, "build", "Consumer.csproj", "--no-restore", "-nologo",
            "-p:JobSafetyAnalysisMode=strict");
        Assert.True(bogus.ExitCode != 0, bogus.Output);
        Assert.Contains("JSBUILD001", bogus.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editorconfig_severity_wins_over_the_errors_preset_and_the_mode_can_live_in_the_project_file()
    {
        var consumer = await fixture.CreateConsumerAsync();
        var project = Path.Combine(consumer, "Consumer.csproj");
        var text = await File.ReadAllTextAsync(project);
        await File.WriteAllTextAsync(project, text.Replace("<Nullable>", "<JobSafetyAnalysisMode>errors</JobSafetyAnalysisMode>\n    <Nullable>", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(consumer, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.JS0001.severity = suggestion\n");
        Assert.True((await Repo.DotnetAsync(consumer, "restore", "Consumer.csproj")).ExitCode == 0);

        var build = await Repo.DotnetAsync(consumer, "build", "Consumer.csproj", "--no-restore", "-nologo");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("error JS0001", build.StdOut, StringComparison.Ordinal);

        File.Delete(Path.Combine(consumer, ".editorconfig"));
        // Removing an .editorconfig does not make MSBuild recompile by itself: rebuild.
        var strict = await Repo.DotnetAsync(consumer, "build", "Consumer.csproj", "--no-restore", "--no-incremental", "-nologo");
        Assert.True(strict.ExitCode != 0, strict.Output);
        Assert.Contains("error JS0001", strict.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_format_applies_Move_after_commit_from_the_package()
    {
        var consumer = await fixture.CreateConsumerAsync();
        Assert.True((await Repo.DotnetAsync(consumer, "restore", "Consumer.csproj")).ExitCode == 0);

        var format = await Repo.DotnetAsync(consumer, "format", "analyzers", "Consumer.csproj", "--no-restore", "--diagnostics", "JS0001", "--severity", "info");
        Assert.True(format.ExitCode == 0, format.Output);
        var after = (await File.ReadAllTextAsync(Path.Combine(consumer, "Orders.cs"))).ReplaceLineEndings("\n");
        Assert.Contains("""
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Notify(id));
            """.ReplaceLineEndings("\n"), after, StringComparison.Ordinal);

        var build = await Repo.DotnetAsync(consumer, "build", "Consumer.csproj", "--no-restore", "-nologo", "-p:JobSafetyAnalysisMode=errors");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("JS0001", build.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobsafety_scan_reads_the_consumer_with_its_restore_warnings_and_reports_JS0001()
    {
        // The consumer's restore has a NU1603 warning, which MSBuildWorkspace reports like a load failure: the scan goes on.
        var scan = await Repo.JobSafetyAsync(fixture.Consumer, "scan", "Consumer.csproj", "--no-restore", "--format", "json");
        Assert.True(scan.ExitCode == 1, scan.Output);
        var finding = Assert.Single(JsonNode.Parse(scan.StdOut)!["findings"]!.AsArray())!;
        Assert.Equal("JS0001", finding["ruleId"]!.GetValue<string>());
        Assert.Equal("Orders.cs", finding["file"]!.GetValue<string>());
        Assert.Equal(11, finding["line"]!.GetValue<int>());
        Assert.Equal(10, finding["transaction"]!["line"]!.GetValue<int>());
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
}
