using System.Text.RegularExpressions;
using JobSafety.Cli.Tests.Infrastructure;

namespace JobSafety.Cli.Tests.Compiler;

/// <summary>
/// The analyzers are compiled against Roslyn 4.8, but users run them inside the .NET SDK's compiler and newer IDEs,
/// whose syntax trees and operations hold kinds that 4.8 does not know (C# 13/14). These tests run the built
/// analyzer DLL (with the code-fix DLL loaded next to it, as the package ships them) in the SDK's compiler on a project
/// that uses those features (LangVersion preview) inside and around transactions, and in <c>jobsafety scan</c>
/// (Roslyn 5.x in process, which analyses files that do not parse, as an IDE does) on half-typed variants of it.
/// They assert that no analyzer failed to load or threw, and that the expected findings came out.
/// </summary>
public sealed partial class NewestCompilerTests : IDisposable
{
    private static readonly string[] FailureIds = ["AD0001", "CS8032", "CS8033", "CS9057"];

    private readonly string work = Repo.NewTempDirectory("newest");

    public void Dispose() => Repo.TryDelete(work);

    [Fact]
    public async Task The_sdk_compiler_runs_the_analyzers_on_csharp_14_code_and_on_code_with_errors_in_bodies()
    {
        await WriteProjectAsync("Newest", outputType: "Exe", new()
        {
            ["Program.cs"] = NewestCompilerSources.Program,
            ["Features.cs"] = NewestCompilerSources.Features,
        });
        var broken = BodyErrorVariants().ToDictionary(v => v.Name + ".cs", v => v.Text);
        await WriteProjectAsync("Broken", outputType: "Library", broken);
        await File.WriteAllTextAsync(Path.Combine(work, "Probe.slnx"), """
            <Solution>
              <Project Path="Newest/Newest.csproj" />
              <Project Path="Broken/Broken.csproj" />
            </Solution>
            """);

        var build = await Repo.DotnetAsync(work, "build", "Probe.slnx", "-nologo", "-clp:NoSummary", "-p:UseSharedCompilation=false");
        var output = build.StdOut + build.StdErr;
        foreach (var id in FailureIds)
        {
            Assert.False(output.Contains(id, StringComparison.Ordinal), $"{id} in the build:\n{build.Output}");
        }

        var diagnostics = Diagnostics(output);
        var newest = Path.Combine(work, "Newest") + Path.DirectorySeparatorChar;
        var expected = Expected("Program.cs", NewestCompilerSources.Program).Concat(Expected("Features.cs", NewestCompilerSources.Features)).Order().ToList();
        var actual = diagnostics.Where(d => d.File.StartsWith(newest, StringComparison.Ordinal) && d.Id.StartsWith("JS", StringComparison.Ordinal))
            .Select(d => $"{Path.GetFileName(d.File)}:{d.Line} {d.Id}").Distinct().Order().ToList();
        Assert.True(expected.SequenceEqual(actual), $"expected\n  {string.Join("\n  ", expected)}\nactual\n  {string.Join("\n  ", actual)}\n{build.Output}");
        Assert.DoesNotContain(diagnostics, d => d.File.StartsWith(newest, StringComparison.Ordinal) && d.Severity == "error");

        // A member of an extension block (a type without a name) is named after the static class that declares it.
        Assert.Contains("'OrderExtensions.Announce' → 'BackgroundJob.Enqueue' enqueues", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"warning JS\d{4}: [^\n]*'\.", output);

        // The variants with errors in bodies were compiled (errors) and analysed (findings) all the same.
        var brokenDir = Path.Combine(work, "Broken") + Path.DirectorySeparatorChar;
        Assert.Contains(diagnostics, d => d.File.StartsWith(brokenDir, StringComparison.Ordinal) && d.Severity == "error");
        Assert.Contains(diagnostics, d => d.File.StartsWith(brokenDir, StringComparison.Ordinal) && d.Id == "JS0001");
        Assert.True(build.ExitCode != 0, build.Output);
    }

    [Fact]
    public async Task Jobsafety_scan_analyses_half_typed_and_unbindable_csharp_14_code_without_an_analyzer_exception()
    {
        var variants = HalfTypedVariants().Concat(DeclarationErrorVariants()).ToList();
        Assert.True(variants.Count >= 40, $"only {variants.Count} variants");
        await WriteProjectAsync("HalfTyped", outputType: "Library", variants.ToDictionary(v => v.Name + ".cs", v => v.Text));

        var scan = await Repo.JobSafetyAsync(work, "scan", "HalfTyped/HalfTyped.csproj", "--format", "json");
        Assert.DoesNotContain("an analyzer failed", scan.StdErr, StringComparison.Ordinal);
        Assert.True(scan.ExitCode == 1, scan.Output);
        Assert.Contains("\"JS0001\"", scan.StdOut, StringComparison.Ordinal);
        Assert.Contains("does not compile", scan.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_format_applies_the_code_fixes_to_csharp_14_code_in_the_sdk_workspace()
    {
        await WriteProjectAsync("Newest", outputType: "Exe", new()
        {
            ["Program.cs"] = NewestCompilerSources.Program,
            ["Features.cs"] = NewestCompilerSources.Features,
        });
        var directory = Path.Combine(work, "Newest");

        // The SDK's workspace (Roslyn 5.x) loads the code-fix DLL and applies "Move after commit" where it is offered.
        var format = await Repo.DotnetAsync(directory, "format", "analyzers", "Newest.csproj", "--diagnostics", "JS0001", "--severity", "info");
        Assert.True(format.ExitCode == 0, format.Output);
        foreach (var failure in new[] { "AD0001", "Exception", "CS8032", "CS8033" })
        {
            Assert.False(format.Output.Contains(failure, StringComparison.Ordinal), $"{failure}:\n{format.Output}");
        }

        var fixedFeatures = (await File.ReadAllTextAsync(Path.Combine(directory, "Features.cs"))).ReplaceLineEndings("\n");
        Assert.Contains("""
                        tx.Commit();
                        BackgroundJob.Enqueue(() => Jobs.Notify(id)); // JS0001
                        NpgsqlConnection.Announce(id); // JS0001
            """, fixedFeatures, StringComparison.Ordinal);

        // The fixed code still compiles, with fewer findings.
        var build = await Repo.DotnetAsync(directory, "build", "-nologo", "-clp:NoSummary", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, build.Output);
        var remaining = Diagnostics(build.StdOut).Count(d => d.Id == "JS0001");
        Assert.InRange(remaining, 1, Expected("Features.cs", NewestCompilerSources.Features).Count(e => e.EndsWith("JS0001", StringComparison.Ordinal)) - 2);
    }

    /// <summary>
    /// The Features source with something the compiler cannot bind inside a body (a misspelt member, a wrong argument).
    /// The SDK's compiler runs the analyzers on such a project; it does not when a file does not parse or a declaration
    /// has an error: those variants go to <c>jobsafety scan</c>, which analyses them as an IDE does.
    /// </summary>
    internal static IEnumerable<(string Name, string Text)> BodyErrorVariants() => Edited("Body",
    [
        [".BeginTransaction(", ".BeginTransactionX("],
        ["Jobs.Notify(", "Jobs.Missing("],
        ["get => field ?? \"\";", "get => feild ?? \"\";"],
        ["order?.Status = ", "order?.Missing = "],
        ["order?.Lines?[0] = 1;", "order?.Lines?[0] = \"one\";"],
        ["Total += m;", "Total += 1;"],
        ["Lock gate = new()", "Lock gate = new(1, 2)"],
        ["foreach (var value in buffer)", "foreach (var value in buffer.Missing)"],
        ["(text, out result) => int.TryParse(text, out result)", "(text, out result) => int.TryParse(text)"],
        ["[.. ids, 3, 4]", "[.. ids, \"3\", 4]"],
    ]);

    /// <summary>The Features source with a declaration the compiler cannot bind (a missing using, an unknown type).</summary>
    internal static IEnumerable<(string Name, string Text)> DeclarationErrorVariants() => Edited("Declaration",
    [
        ["using Npgsql;", ""],
        ["using Hangfire;", ""],
        ["using System.Transactions;", ""],
        ["extension(NpgsqlConnection conn)", "extension(UnknownConnection conn)"],
        ["extension(DbTransaction tx)", "extension(UnknownTransaction tx)"],
        [": IShape", ": IUnknownShape"],
        ["public void operator +=(Money other)", "public void operator +=(Unknown other)"],
        ["params ReadOnlySpan<long> ids", "params UnknownSpan<long> ids"],
        ["public partial Customer(NpgsqlConnection conn)\n", "public partial Customer(UnknownConnection conn)\n"],
    ]);

    private static IEnumerable<(string Name, string Text)> Edited(string prefix, string[][] edits)
    {
        for (var i = 0; i < edits.Length; i++)
        {
            var text = NewestCompilerSources.Features.ReplaceLineEndings("\n");
            Assert.True(text.Contains(edits[i][0], StringComparison.Ordinal), $"not in the source: {edits[i][0]}");
            yield return ($"{prefix}{i}", InNamespace(text.Replace(edits[i][0], edits[i][1], StringComparison.Ordinal), $"{prefix}{i}"));
        }
    }

    /// <summary>Half-typed variants of the Features source: cut at many points, a closing brace missing, a token deleted.</summary>
    internal static IEnumerable<(string Name, string Text)> HalfTypedVariants()
    {
        var text = NewestCompilerSources.Features;
        const int Cuts = 24;
        for (var i = 1; i <= Cuts; i++)
        {
            yield return ($"Cut{i}", InNamespace(text[..(text.Length * i / (Cuts + 1))], $"Cut{i}"));
        }

        var braces = Regex.Matches(text, "}").Select(m => m.Index).ToList();
        for (var i = 0; i < 12; i++)
        {
            var at = braces[braces.Count * i / 12];
            yield return ($"Brace{i}", InNamespace(text.Remove(at, 1), $"Brace{i}"));
        }

        var tokens = Regex.Matches(text, @"\w+|[^\s\w]").ToList();
        var random = new Random(20261123);
        for (var i = 0; i < 16; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            yield return ($"Token{i}", InNamespace(text.Remove(token.Index, token.Length), $"Token{i}"));
        }
    }

    private static string InNamespace(string text, string name) =>
        text.Replace("namespace Probe;", $"namespace Probe.{name};", StringComparison.Ordinal);

    /// <summary>"File.cs:LINE JSnnnn" for each line that ends with a <c>// JSnnnn</c> marker.</summary>
    private static IEnumerable<string> Expected(string file, string source) =>
        source.ReplaceLineEndings("\n").Split('\n')
            .Select((line, index) => (Match: Marker().Match(line), Line: index + 1))
            .Where(l => l.Match.Success)
            .Select(l => $"{file}:{l.Line} {l.Match.Groups[1].Value}");

    private static List<(string File, int Line, string Severity, string Id)> Diagnostics(string output) =>
        CompilerDiagnostic().Matches(output)
            .Select(m => (m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["severity"].Value, m.Groups["id"].Value))
            .Distinct()
            .ToList();

    /// <summary>
    /// A project of its own (no Directory.Build.props above the temp folder, no package source, no package): the
    /// analyzer and code-fix DLLs as <c>Analyzer</c> items and the library assemblies this test was built with.
    /// </summary>
    private async Task WriteProjectAsync(string name, string outputType, Dictionary<string, string> files)
    {
        var directory = Path.Combine(work, name);
        Directory.CreateDirectory(directory);
        var analyzers = Path.Combine(work, "analyzers");
        Directory.CreateDirectory(analyzers);
        foreach (var project in new[] { "Analyzers", "CodeFixes" })
        {
            var dll = Path.Combine(Repo.Root, "src", project, "bin", Repo.Configuration, "netstandard2.0", $"JobSafety.{project}.dll");
            Assert.True(File.Exists(dll), $"{dll} is built first");
            File.Copy(dll, Path.Combine(analyzers, Path.GetFileName(dll)), overwrite: true);
        }

        string Library(string assembly)
        {
            var path = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
            Assert.True(File.Exists(path), $"{path} is copied next to the tests (PackageReference in JobSafety.Cli.Tests.csproj)");
            return path;
        }

        await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        // Nothing above the temp folder may leak in (MSBuild looks upwards for these).
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(work, ".editorconfig"), """
            root = true

            [*.cs]
            jobsafety.additional_side_effects = other:M:Probe.Audit.Write(System.String)
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>{outputType}</OutputType>
                <LangVersion>preview</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <EnableNETAnalyzers>false</EnableNETAnalyzers>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <Analyzer Include="{Path.Combine(analyzers, "JobSafety.Analyzers.dll")}" />
                <Analyzer Include="{Path.Combine(analyzers, "JobSafety.CodeFixes.dll")}" />
                <Reference Include="{Library("Hangfire.Core")}" />
                <Reference Include="{Library("Newtonsoft.Json")}" />
                <Reference Include="{Library("Npgsql")}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var (file, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, file), text);
        }
    }

    [GeneratedRegex(@"// (JS\d{4})\s*$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(]*)\((?<line>\d+),\d+(?:,\d+,\d+)?\): (?<severity>warning|error) (?<id>[A-Z]+\d+):", RegexOptions.Multiline)]
    private static partial Regex CompilerDiagnostic();
}
