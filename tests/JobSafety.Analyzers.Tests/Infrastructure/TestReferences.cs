using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// The references test sources compile against: the .NET reference pack of the SDK on this machine
/// (no download at test time) and the real library assemblies (Hangfire.Core, Npgsql, EF Core, MailKit,
/// MassTransit...) that this test project references, so every symbol is the real one.
/// </summary>
public static class TestReferences
{
    private static readonly string[] LibraryAssemblies =
    {
        "Hangfire.Core", "Newtonsoft.Json", "Npgsql", "StackExchange.Redis",
        "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Relational", "Microsoft.EntityFrameworkCore.Abstractions",
        "MailKit", "MimeKit", "MassTransit.Abstractions", "Quartz", "RabbitMQ.Client", "Confluent.Kafka",
        "DotNetCore.CAP", "SendGrid", "RestSharp", "AWSSDK.SQS", "AWSSDK.Core", "Dapper",
        "Microsoft.Extensions.Caching.Abstractions", "Microsoft.Extensions.Caching.Memory",
        "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Primitives", "Microsoft.Extensions.Options",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
    };

    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in FrameworkReferencePaths())
        {
            builder.Add(MetadataReference.CreateFromFile(path));
        }

        foreach (var name in LibraryAssemblies)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The analyzer tests need '{path}': add the package that ships it to JobSafety.Analyzers.Tests.csproj.");
            }

            builder.Add(MetadataReference.CreateFromFile(path));
        }

        return builder.ToImmutable();
    }

    private static IEnumerable<string> FrameworkReferencePaths()
    {
        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> <dotnet root>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net<major>.0
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var tfm = "net" + Environment.Version.Major + ".0";
        if (Directory.Exists(packs))
        {
            var refDir = Directory.GetDirectories(packs)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
            if (refDir is not null)
            {
                return Directory.GetFiles(refDir, "*.dll");
            }
        }

        // No reference pack: compile against the runtime's implementation assemblies.
        return Directory.GetFiles(runtimeDir, "*.dll").Where(p =>
        {
            var name = Path.GetFileName(p);
            return name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll";
        });
    }
}
