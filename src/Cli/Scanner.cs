using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using JobSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;

namespace JobSafety.Cli;

/// <summary>One JobSafety diagnostic, with its path relative to the scan root (forward slashes).</summary>
internal sealed record Finding(
    string RuleId,
    string Severity,
    string File,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string Message,
    string? HelpUri,
    IReadOnlyList<RelatedLocation> Related);

/// <summary>A location the diagnostic points at besides its own (the statement that opened the transaction).</summary>
internal sealed record RelatedLocation(string File, int Line, int Column);

internal sealed record ScanResult(
    string Root,
    IReadOnlyList<string> Projects,
    IReadOnlyList<DiagnosticDescriptor> Rules,
    IReadOnlyList<Finding> Findings);

/// <summary>Loads the target with MSBuildWorkspace and runs the JobSafety analyzers on every C# project; nothing is written.</summary>
internal static class Scanner
{
    public static async Task<ScanResult> ScanAsync(ScanTarget target, Progress progress, CancellationToken cancellationToken)
    {
        var analyzers = LoadAnalyzers();
        var rules = analyzers.SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var ruleIds = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

        using var workspace = MSBuildWorkspace.Create();
        var failures = new List<WorkspaceDiagnostic>();
        using var failureRegistration = workspace.RegisterWorkspaceFailedHandler(e =>
        {
            lock (failures)
            {
                failures.Add(e.Diagnostic);
            }
        });

        progress.Report($"loading {target.Display}");
        var projects = new List<Project>();
        try
        {
            if (target.Kind == ScanTargetKind.Solution)
            {
                var solution = await workspace.OpenSolutionAsync(target.Files[0], cancellationToken: cancellationToken).ConfigureAwait(false);
                projects.AddRange(solution.Projects.Where(p => p.Language == LanguageNames.CSharp));
            }
            else
            {
                foreach (var file in target.Files)
                {
                    var already = workspace.CurrentSolution.Projects.Where(p => SamePath(p.FilePath, file)).ToList();
                    if (already.Count == 0)
                    {
                        await workspace.OpenProjectAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
                        already = workspace.CurrentSolution.Projects.Where(p => SamePath(p.FilePath, file)).ToList();
                    }

                    projects.AddRange(already);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            progress.Done();
            throw new UsageException($"could not load {target.Display}: {ex.Message}{FormatFailures(failures)}");
        }

        var important = failures.Where(f => f.Kind == WorkspaceDiagnosticKind.Failure && !IsAboutAnalyzerReference(f)).ToList();
        if (projects.Count == 0)
        {
            progress.Done();
            throw new UsageException($"no C# project could be loaded from {target.Display}.{FormatFailures(important)}");
        }

        // MSBuildWorkspace reports MSBuild's warnings (NU1603, say) with the same kind as real load errors, so a
        // project counts as not loaded when MSBuild complained about it and it came out without any source file.
        var broken = projects
            .Where(p => p.DocumentIds.Count == 0 && p.FilePath is not null
                && important.Any(f => f.Message.Contains(p.FilePath, StringComparison.Ordinal)))
            .Select(p => p.FilePath!)
            .Distinct()
            .ToList();
        if (broken.Count > 0 && (target.Kind == ScanTargetKind.Projects || broken.Count >= projects.Count))
        {
            progress.Done();
            var reasons = important.Where(f => broken.Any(b => f.Message.Contains(b, StringComparison.Ordinal))).ToList();
            throw new UsageException($"could not load {target.Display}:{FormatFailures(reasons)}");
        }

        if (important.Count > 0)
        {
            progress.Done();
            Console.Error.WriteLine($"jobsafety: MSBuild reported {important.Count} problem(s) while loading {target.Display} (findings may be incomplete if a project did not load):{FormatFailures(important)}");
        }

        projects = projects.Where(p => p.FilePath is not null).OrderBy(p => p.FilePath, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var findings = new List<Finding>();
        var seen = new HashSet<(string, string, int, int, string)>();
        var index = 0;
        foreach (var project in projects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            index++;
            progress.Report($"analyzing {index}/{projects.Count} {project.Name}");
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            if (compilation is null)
            {
                continue;
            }

            WarnAboutCompileErrors(project, compilation, progress);

            var options = new CompilationWithAnalyzersOptions(
                project.AnalyzerOptions,
                onAnalyzerException: null,
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options)
                .GetAnalyzerDiagnosticsAsync(cancellationToken)
                .ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Id == "AD0001")
                {
                    progress.Done();
                    Console.Error.WriteLine($"jobsafety: warning: an analyzer failed on {project.Name}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
                    continue;
                }

                if (!ruleIds.Contains(diagnostic.Id) || diagnostic.Severity == DiagnosticSeverity.Hidden || diagnostic.IsSuppressed)
                {
                    continue;
                }

                var finding = ToFinding(diagnostic, target.Root);
                if (seen.Add((finding.RuleId, finding.File, finding.Line, finding.Column, finding.Message)))
                {
                    findings.Add(finding);
                }
            }
        }

        findings.Sort((a, b) =>
        {
            var byFile = string.CompareOrdinal(a.File, b.File);
            if (byFile != 0)
            {
                return byFile;
            }

            var byLine = a.Line.CompareTo(b.Line);
            return byLine != 0 ? byLine : a.Column != b.Column ? a.Column.CompareTo(b.Column) : string.CompareOrdinal(a.RuleId, b.RuleId);
        });

        return new ScanResult(target.Root, projects.Select(p => p.Name).Distinct().ToList(), rules, findings);
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers() =>
        typeof(SideEffectInTransactionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
                && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t, nonPublic: true)!)
            .ToImmutableArray();

    private static Finding ToFinding(Diagnostic diagnostic, string root)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var related = diagnostic.AdditionalLocations
            .Where(l => l.IsInSource)
            .Select(l => l.GetMappedLineSpan())
            .Select(s => new RelatedLocation(Relative(root, s.Path), s.StartLinePosition.Line + 1, s.StartLinePosition.Character + 1))
            .ToList();
        return new Finding(
            diagnostic.Id,
            diagnostic.Severity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                _ => "note",
            },
            Relative(root, span.Path),
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1,
            span.EndLinePosition.Character + 1,
            diagnostic.GetMessage(CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(diagnostic.Descriptor.HelpLinkUri) ? null : diagnostic.Descriptor.HelpLinkUri,
            related);
    }

    internal static string Relative(string root, string? path) =>
        string.IsNullOrEmpty(path) ? "" : Path.GetRelativePath(root, path).Replace('\\', '/');

    private static void WarnAboutCompileErrors(Project project, Compilation compilation, Progress progress)
    {
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Take(4)
            .ToList();
        if (errors.Count == 0)
        {
            return;
        }

        progress.Done();
        Console.Error.WriteLine(
            $"jobsafety: warning: {project.Name} does not compile (is it restored? 'dotnet build' it to see all errors); findings may be incomplete. First errors:");
        foreach (var error in errors.Take(3))
        {
            Console.Error.WriteLine($"  {error}");
        }
    }

    private static bool SamePath(string? a, string b) =>
        a is not null && string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static bool IsAboutAnalyzerReference(WorkspaceDiagnostic diagnostic) =>
        diagnostic.Message.Contains("analyzer", StringComparison.OrdinalIgnoreCase);

    private static string FormatFailures(IReadOnlyCollection<WorkspaceDiagnostic> failures) =>
        failures.Count == 0
            ? ""
            : "\n  " + string.Join("\n  ", failures.Select(f => f.Message).Distinct().Take(5));
}
