using System.Collections.Concurrent;
using System.Collections.Immutable;
using JobSafety.Analyzers.Rules;
using JobSafety.Analyzers.Tests.Infrastructure;
using JobSafety.Analyzers.Tests.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace JobSafety.Analyzers.Tests.Robustness;

/// <summary>
/// The analyzers never throw (no AD0001), on any input: every C# file of this repository, every test
/// source embedded in the analyzer tests, and hundreds of half-typed variants of them (cut at many
/// points, with tokens deleted), as a user produces them while typing.
/// </summary>
public class AnalyzerRobustnessTests(ITestOutputHelper output)
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new SideEffectInTransactionAnalyzer(),
        new ConnectionBoundJobArgumentAnalyzer());

    [Fact]
    public async Task Whole_files_of_the_repository_and_test_sources_raise_no_analyzer_exception()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count > 30, $"corpus too small: {corpus.Count}");
        var failures = new ConcurrentBag<string>();
        foreach (var batch in corpus.Chunk(25))
        {
            await AnalyzeAsync(batch, failures);
        }

        output.WriteLine($"{corpus.Count} sources analysed");
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(3)));
    }

    [Fact]
    public async Task Half_typed_variants_raise_no_analyzer_exception()
    {
        var sources = Corpus().Where(s => s.Text.Contains("Transaction", StringComparison.Ordinal) || s.Text.Contains("Enqueue", StringComparison.Ordinal)).ToList();
        var random = new Random(20261123);
        var variants = new List<(string Name, string Text)>();
        // JOBSAFETY_ROBUSTNESS_SCALE=N multiplies the variants for a long local sweep (the suite runs scale 1).
        var scale = int.TryParse(Environment.GetEnvironmentVariable("JOBSAFETY_ROBUSTNESS_SCALE"), out var s) && s > 1 ? s : 1;
        foreach (var (name, text) in sources)
        {
            // Cut the file at evenly spaced points (typing stopped there) ...
            for (var i = 1; i <= 6 * scale; i++)
            {
                variants.Add(($"{name}@cut{i}", text.Substring(0, text.Length * i / (6 * scale + 1))));
            }

            // ... and delete a few tokens (an edit in progress).
            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            for (var i = 0; i < 4 * scale && tokens.Count > 0; i++)
            {
                var token = tokens[random.Next(tokens.Count)];
                variants.Add(($"{name}@del{i}", text.Remove(token.SpanStart, token.Span.Length)));
            }
        }

        Assert.True(variants.Count >= 300, $"only {variants.Count} variants");
        var failures = new ConcurrentBag<string>();
        foreach (var batch in variants.Chunk(20))
        {
            await AnalyzeAsync(batch, failures);
        }

        output.WriteLine($"{variants.Count} half-typed variants of {sources.Count} sources analysed");
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(3)));
    }

    private static async Task AnalyzeAsync(IEnumerable<(string Name, string Text)> sources, ConcurrentBag<string> failures)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, path: s.Name + ".cs")).ToArray();
        var compilation = CSharpCompilation.Create(
            "Robustness" + Guid.NewGuid().ToString("N"),
            trees,
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (ex, analyzer, diagnostic) => failures.Add($"{analyzer.GetType().Name}: {ex}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
        foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
        {
            failures.Add(diagnostic.ToString());
        }
    }

    /// <summary>Every .cs file of the repository, plus the C# sources embedded (as raw strings) in the analyzer tests.</summary>
    private static List<(string Name, string Text)> Corpus()
    {
        var root = RuleDocumentationTests.RepositoryRoot();
        var files = new List<string>();
        foreach (var folder in new[] { "src", "samples", "tests", "bench" })
        {
            var dir = Path.Combine(root, folder);
            if (Directory.Exists(dir))
            {
                files.AddRange(Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                             && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
            }
        }

        var corpus = new List<(string, string)>();
        foreach (var file in files.OrderBy(f => f, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(root, file);
            corpus.Add((name, text));
            var index = 0;
            foreach (var token in CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) && token.ValueText.Contains(';', StringComparison.Ordinal))
                {
                    corpus.Add(($"{name}#raw{index++}", token.ValueText));
                }
            }
        }

        return corpus;
    }
}
