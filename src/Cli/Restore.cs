using System.Diagnostics;

namespace JobSafety.Cli;

/// <summary>Runs <c>dotnet restore</c> on the target first (as <c>dotnet format</c> does): a project that is not restored loads without its references.</summary>
internal static class Restore
{
    public static async Task RunAsync(ScanTarget target, Progress progress, CancellationToken cancellationToken)
    {
        foreach (var file in target.Files)
        {
            progress.Report($"restoring {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, file)}");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "restore", file, "-nologo", "-v:q" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start) ?? throw new UsageException("could not start 'dotnet restore'.");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                progress.Done();
                var output = ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim();
                var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(20).ToList();
                throw new UsageException(
                    $"'dotnet restore {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, file)}' failed (exit {process.ExitCode}); the project cannot be loaded:\n  "
                    + string.Join("\n  ", errors.Count > 0 ? errors : output.Split('\n').TakeLast(20)));
            }
        }
    }
}
