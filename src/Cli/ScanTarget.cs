namespace JobSafety.Cli;

internal enum ScanTargetKind
{
    Solution,
    Projects,
}

/// <summary>What PATH names: one solution, or one or more C# projects; and the root that findings' paths are relative to.</summary>
internal sealed record ScanTarget(ScanTargetKind Kind, IReadOnlyList<string> Files, string Root)
{
    private static readonly string[] SolutionExtensions = [".sln", ".slnx"];

    public string Display => Kind == ScanTargetKind.Solution || Files.Count == 1
        ? System.IO.Path.GetRelativePath(Environment.CurrentDirectory, Files[0])
        : $"{Files.Count} projects under {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, Root)}";

    public static ScanTarget Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var extension = System.IO.Path.GetExtension(full).ToLowerInvariant();
            if (SolutionExtensions.Contains(extension))
            {
                return new ScanTarget(ScanTargetKind.Solution, [full], System.IO.Path.GetDirectoryName(full)!);
            }

            if (extension == ".csproj")
            {
                return new ScanTarget(ScanTargetKind.Projects, [full], System.IO.Path.GetDirectoryName(full)!);
            }

            throw new UsageException($"'{path}' is not a solution or C# project: give a .sln, .slnx or .csproj file, or a folder that holds one.");
        }

        if (!Directory.Exists(full))
        {
            throw new UsageException($"'{path}' does not exist (looked for {full}).");
        }

        var solutions = Directory.EnumerateFiles(full)
            .Where(f => SolutionExtensions.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (solutions.Count == 1)
        {
            return new ScanTarget(ScanTargetKind.Solution, solutions, full);
        }

        if (solutions.Count > 1)
        {
            throw new UsageException(
                $"'{path}' holds {solutions.Count} solutions ({string.Join(", ", solutions.Select(System.IO.Path.GetFileName))}): name the one to scan.");
        }

        var projects = Directory.EnumerateFiles(full, "*.csproj").Order(StringComparer.Ordinal).ToList();
        if (projects.Count == 0)
        {
            projects = Directory.EnumerateFiles(full, "*.csproj", SearchOption.AllDirectories)
                .Where(p => !IsBuildOutput(System.IO.Path.GetRelativePath(full, p)))
                .Order(StringComparer.Ordinal)
                .ToList();
        }

        if (projects.Count == 0)
        {
            throw new UsageException($"'{path}' holds no solution (.sln, .slnx) and no C# project (.csproj).");
        }

        return new ScanTarget(ScanTargetKind.Projects, projects, full);
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar)
            .Any(part => part is "bin" or "obj" or "node_modules" || part.StartsWith('.'));
}
