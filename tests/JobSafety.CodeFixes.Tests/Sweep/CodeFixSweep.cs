using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using JobSafety.Analyzers.Rules;
using JobSafety.CodeFixes.Rules;
using JobSafety.CodeFixes.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace JobSafety.CodeFixes.Tests.Sweep;

/// <summary>
/// Applies every code fix offered for every JS0001–JS0004 diagnostic of one source (and Fix All in document, per
/// fix kind) and returns what went wrong: new compiler errors, the fixed diagnostic still there, or a new
/// JobSafety diagnostic. Works on a workspace directly (no Microsoft.CodeAnalysis.Testing round trips), so a
/// source with many findings stays fast.
/// </summary>
public static class CodeFixSweep
{
    private static readonly string[] FixableIds = { "JS0001", "JS0002", "JS0003", "JS0004" };

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(SideEffectInTransactionAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly CodeFixProvider[] Fixers = { new RunAfterCommitCodeFixProvider(), new MoveAfterCommitCodeFixProvider() };

    /// <summary>What the sweep did on one source.</summary>
    public sealed class Result
    {
        public int Findings { get; set; }
        public int FixesApplied { get; set; }
        public int FixAllApplied { get; set; }
        public List<string> Problems { get; } = new();

        /// <summary>Every fixed source, when JOBSAFETY_SWEEP_SHOW=1 (to review what the fixes do, not only that they compile).</summary>
        public List<string> Shown { get; } = new();
    }

    public static async Task<Result> RunAsync(string name, string source, CancellationToken ct = default)
    {
        var result = new Result();
        var document = CreateDocument(source);
        var before = await AnalyzeAsync(document, ct);
        var findings = before.Js.Where(d => FixableIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        result.Findings = findings.Length;
        if (before.Errors.Length > 0)
        {
            result.Problems.Add($"{name}: the source does not compile: {before.Errors[0]}");
            return result;
        }

        var offered = new Dictionary<string, List<Diagnostic>>();
        foreach (var diagnostic in findings)
        {
            foreach (var fixer in Fixers)
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), ct);
                await fixer.RegisterCodeFixesAsync(context);
                foreach (var action in actions)
                {
                    var key = action.EquivalenceKey ?? action.Title;
                    if (!offered.TryGetValue(key, out var list))
                    {
                        offered[key] = list = new List<Diagnostic>();
                    }

                    list.Add(diagnostic);
                    var fixedDocument = await ApplyAsync(action, document.Id, ct);
                    result.FixesApplied++;
                    var after = await AnalyzeAsync(fixedDocument, ct);
                    var where = $"{name}: '{action.Title}' for {diagnostic.Id} at {diagnostic.Location.GetLineSpan().StartLinePosition} ('{Excerpt(document, diagnostic)}')";
                    await CheckAsync(result, where, before, after, new[] { diagnostic }, fixedDocument, ct);
                }
            }
        }

        foreach (var pair in offered.Where(p => p.Value.Count > 1))
        {
            var fixer = Fixers.First(f => f.GetType().Name.Contains(pair.Key.Replace("JobSafety.", string.Empty), StringComparison.Ordinal));
            var fixAll = fixer.GetFixAllProvider()!;
            var context = new FixAllContext(document, fixer, FixAllScope.Document, pair.Key, FixableIds, new SweepDiagnosticProvider(), ct);
            var action = await fixAll.GetFixAsync(context);
            if (action is null)
            {
                result.Problems.Add($"{name}: Fix All '{pair.Key}' offered no action for {pair.Value.Count} findings");
                continue;
            }

            var fixedDocument = await ApplyAsync(action, document.Id, ct);
            result.FixAllApplied++;
            var after = await AnalyzeAsync(fixedDocument, ct);
            await CheckAsync(result, $"{name}: Fix All '{pair.Key}' ({pair.Value.Count} findings)", before, after, pair.Value, fixedDocument, ct);
        }

        return result;
    }

    private static async Task CheckAsync(Result result, string where, Analysis before, Analysis after, IReadOnlyCollection<Diagnostic> fixedOnes, Document fixedDocument, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var error in after.Errors)
        {
            problems.Add("compiler error " + error);
        }

        var beforeKeys = Count(before.Js);
        var afterKeys = Count(after.Js);
        foreach (var group in fixedOnes.GroupBy(Key))
        {
            var was = beforeKeys[group.Key];
            afterKeys.TryGetValue(group.Key, out var now);
            if (now > was - group.Count())
            {
                problems.Add($"still reported ({now} of {was}): {group.Key}");
            }
        }

        foreach (var pair in afterKeys)
        {
            beforeKeys.TryGetValue(pair.Key, out var was);
            if (pair.Value > was)
            {
                problems.Add($"new diagnostic: {pair.Key}");
            }
        }

        var show = Environment.GetEnvironmentVariable("JOBSAFETY_SWEEP_SHOW") == "1";
        if (problems.Count > 0 || show)
        {
            var text = (await fixedDocument.GetTextAsync(ct)).ToString();
            if (problems.Count == 0)
            {
                result.Shown.Add(where + ":\n" + text);
                return;
            }

            result.Problems.Add(where + ":\n    " + string.Join("\n    ", problems) + "\n--- fixed source ---\n" + text + "\n---");
        }
    }

    private static string Key(Diagnostic d) => d.Id + " " + Regex.Replace(d.GetMessage(), @"\d+", "#");

    private static Dictionary<string, int> Count(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count());

    private static string Excerpt(Document document, Diagnostic diagnostic)
    {
        var text = document.GetTextAsync().Result.ToString(diagnostic.Location.SourceSpan);
        text = Regex.Replace(text, @"\s+", " ");
        return text.Length > 60 ? text.Substring(0, 60) + "..." : text;
    }

    private static async Task<Document> ApplyAsync(CodeAction action, DocumentId id, CancellationToken ct)
    {
        var operations = await action.GetOperationsAsync(ct);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(id)!;
    }

    private sealed record Analysis(ImmutableArray<Diagnostic> Errors, ImmutableArray<Diagnostic> Js);

    private static async Task<Analysis> AnalyzeAsync(Document document, CancellationToken ct)
    {
        var compilation = (await document.Project.GetCompilationAsync(ct))!;
        var errors = compilation.GetDiagnostics(ct).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        var js = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync(ct);
        return new Analysis(errors, js.Where(d => d.Id.StartsWith("JS", StringComparison.Ordinal)).ToImmutableArray());
    }

    private static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var tree = CSharpSyntaxTree.ParseText(source);
        var topLevel = tree.GetRoot().ChildNodes().Any(n => n is GlobalStatementSyntax);
        var projectId = ProjectId.CreateNewId();
        var project = ProjectInfo.Create(projectId, VersionStamp.Default, "Sweep", "Sweep", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.All);
        var solution = workspace.CurrentSolution.AddProject(project);
        if (!Regex.IsMatch(source, @"\bclass\s+TransactionEvents\b"))
        {
            // "the project references the runtime" (a few sources declare their own TransactionEvents)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Runtime.cs", SourceText.From(RuntimeStandIn.Source, Encoding.UTF8), filePath: "/0/Runtime.cs");
        }

        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test0.cs", SourceText.From(source, Encoding.UTF8), filePath: "/0/Test0.cs");
        return solution.GetDocument(documentId)!;
    }

    private sealed class SweepDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            var analysis = await AnalyzeAsync(document, cancellationToken);
            return analysis.Js.Where(d => FixableIds.Contains(d.Id) && d.Location.SourceTree == tree);
        }

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            return Enumerable.Empty<Diagnostic>();
        }

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var all = new List<Diagnostic>();
            foreach (var document in project.Documents)
            {
                all.AddRange(await GetDocumentDiagnosticsAsync(document, cancellationToken));
            }

            return all;
        }
    }
}
