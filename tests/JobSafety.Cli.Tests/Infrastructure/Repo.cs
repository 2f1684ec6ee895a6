using System.Diagnostics;

namespace JobSafety.Cli.Tests.Infrastructure;

/// <summary>Paths of the repository and a runner for child processes (dotnet build, dotnet pack, the CLI).</summary>
internal static class Repo
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string CliDll => Path.Combine(Root, "src", "Cli", "bin", Configuration, "net10.0", "jobsafety.dll");

    public static string Sample => Path.Combine(Root, "samples", "CommentsApp");

    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobsafety-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static async Task<ProcessResult> RunAsync(string workingDirectory, string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Do not leak the test host's MSBuild into the children (the CLI locates its own).
        foreach (var name in new[] { "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }

        var limit = timeout ?? TimeSpan.FromSeconds(150);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in {limit.TotalSeconds} s");
        }

        return new ProcessResult($"{fileName} {string.Join(' ', start.ArgumentList)}", process.ExitCode, await stdout, await stderr);
    }

    public static Task<ProcessResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, "dotnet", arguments);

    /// <summary>Runs the built CLI (<c>dotnet src/Cli/bin/CONFIG/net10.0/jobsafety.dll ARGS</c>).</summary>
    public static Task<ProcessResult> JobSafetyAsync(string workingDirectory, params string[] arguments)
    {
        Assert.True(File.Exists(CliDll), $"the CLI is built first (missing {CliDll})");
        return RunAsync(workingDirectory, "dotnet", [CliDll, .. arguments]);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JobSafety.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("JobSafety.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public string Output => $"{Command} (exit {ExitCode})\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}
