namespace JobSafety.Cli;

/// <summary>jobsafety scan: load, analyze, compare with the baseline, report.</summary>
internal static class ScanCommand
{
    public static async Task<int> RunAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var target = ScanTarget.Resolve(options.Path!);
        var progress = new Progress();

        Baseline? baseline = null;
        if (options.BaselineFile is not null)
        {
            baseline = Baseline.Load(options.BaselineFile);
        }

        if (!options.NoRestore)
        {
            await Restore.RunAsync(target, progress, cancellationToken).ConfigureAwait(false);
        }

        MSBuildSetup.EnsureRegistered();
        var result = await Scanner.ScanAsync(target, progress, cancellationToken).ConfigureAwait(false);
        progress.Done();

        var findings = result.Findings;
        if (options.WriteBaselineFile is not null)
        {
            Baseline.Write(options.WriteBaselineFile, findings);
            Console.Error.WriteLine($"jobsafety: wrote a baseline of {findings.Count} finding(s) to {options.WriteBaselineFile}");
        }

        var baselined = 0;
        if (baseline is not null)
        {
            var fresh = baseline.Filter(findings);
            baselined = findings.Count - fresh.Count;
            findings = fresh;
        }

        var report = options.Format switch
        {
            OutputFormat.Json => Reports.Json(findings, result, baselined),
            OutputFormat.Sarif => Reports.Sarif(findings, result),
            _ => Reports.Text(findings, result, baselined),
        };

        if (options.OutputFile is not null)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.OutputFile));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await File.WriteAllTextAsync(options.OutputFile, report, cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"jobsafety: {findings.Count} finding(s); report written to {options.OutputFile}");
        }
        else
        {
            Console.Out.Write(report);
        }

        return findings.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;
    }
}
