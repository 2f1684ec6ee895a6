using Microsoft.CodeAnalysis;

namespace JobSafety.Benchmarks;

/// <summary>The SDK's reference pack plus the real library assemblies next to this program.</summary>
public static class AnalyzerReferences
{
    private static readonly string[] Libraries =
    {
        "Hangfire.Core", "Newtonsoft.Json", "Npgsql", "StackExchange.Redis", "Microsoft.EntityFrameworkCore",
        "Microsoft.EntityFrameworkCore.Relational", "Microsoft.EntityFrameworkCore.Abstractions", "MailKit", "MimeKit",
        "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Caching.Abstractions", "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.Options", "Microsoft.Extensions.DependencyInjection.Abstractions",
    };

    public static IReadOnlyList<MetadataReference> Load()
    {
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var packs = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"));
        var tfm = "net" + Environment.Version.Major + ".0";
        var refDir = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).Select(d => Path.Combine(d, "ref", tfm)).Where(Directory.Exists).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        var framework = refDir is not null
            ? Directory.GetFiles(refDir, "*.dll")
            : Directory.GetFiles(runtimeDir, "System.*.dll").Append(Path.Combine(runtimeDir, "netstandard.dll")).ToArray();
        var references = framework.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        foreach (var name in Libraries)
        {
            references.Add(MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, name + ".dll")));
        }

        return references;
    }
}
