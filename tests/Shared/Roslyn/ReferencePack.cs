using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace JobSafety.Testing;

/// <summary>
/// The references that test and benchmark sources compile against: the .NET reference pack of the SDK on this machine
/// (no download at test time) and real library assemblies copied next to the running program, so every symbol is the
/// real one. Linked into the analyzer tests, the code-fix tests and the benchmarks (one copy of the lookup).
/// </summary>
public static class ReferencePack
{
    /// <param name="libraries">Assembly names (without <c>.dll</c>) next to the program.</param>
    /// <param name="project">Named in the error when a library is missing: the project whose packages ship it.</param>
    public static ImmutableArray<MetadataReference> Load(IEnumerable<string> libraries, string project)
    {
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in FrameworkReferencePaths())
        {
            builder.Add(MetadataReference.CreateFromFile(path));
        }

        foreach (var name in libraries)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"'{path}' is missing: add the package that ships {name}.dll to {project}.");
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
