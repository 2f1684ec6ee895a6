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

    public static IReadOnlyList<MetadataReference> Load() => JobSafety.Testing.ReferencePack.Load(Libraries, "JobSafety.Benchmarks.csproj");
}
