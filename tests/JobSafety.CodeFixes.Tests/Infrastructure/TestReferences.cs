using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.CodeFixes.Tests.Infrastructure;

/// <summary>
/// The references test sources compile against (as in the analyzer tests): the .NET reference pack of the
/// SDK on this machine and the real library assemblies this test project references.
/// </summary>
public static class TestReferences
{
    private static readonly string[] LibraryAssemblies =
    {
        "Hangfire.Core", "Newtonsoft.Json", "Npgsql",
        "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Relational", "Microsoft.EntityFrameworkCore.Abstractions",
        "MailKit", "MimeKit",
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
                throw new InvalidOperationException($"The code-fix tests need '{path}': add the package that ships it to JobSafety.CodeFixes.Tests.csproj.");
            }

            builder.Add(MetadataReference.CreateFromFile(path));
        }

        return builder.ToImmutable();
    }

    private static IEnumerable<string> FrameworkReferencePaths()
    {
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

        return Directory.GetFiles(runtimeDir, "*.dll").Where(p =>
        {
            var name = Path.GetFileName(p);
            return name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll";
        });
    }
}
