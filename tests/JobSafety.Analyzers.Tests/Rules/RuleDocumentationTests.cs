using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Analyzers.Tests.Rules;

/// <summary>Every descriptor has a help link to its page under docs/rules/, the page exists, and release tracking lists it.</summary>
public class RuleDocumentationTests
{
    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Descriptor_has_help_link_doc_page_and_release_entry(string id)
    {
        var descriptor = AllDescriptors().First(d => d.Id == id);
        Assert.Equal($"https://github.com/jobsafety/jobsafety/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);

        var page = Path.Combine(RepositoryRoot(), "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"missing doc page {page}");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}", text, StringComparison.Ordinal);
        Assert.Contains(descriptor.Title.ToString(), text, StringComparison.Ordinal);

        var unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        var shipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Analyzers", "AnalyzerReleases.Shipped.md"));
        Assert.True(unshipped.Contains(id + " ", StringComparison.Ordinal) || shipped.Contains(id + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Rule_ids_are_the_fixed_catalog()
    {
        var ids = AllDescriptors().Select(d => d.Id).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "JS0001", "JS0002", "JS0003", "JS0004", "JS0005", "JS9999" }, ids);
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        typeof(JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => g.First());

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "JobSafety.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("JobSafety.sln not found above " + AppContext.BaseDirectory);
    }
}
