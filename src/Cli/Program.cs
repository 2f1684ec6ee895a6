namespace JobSafety.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // MSBuildLocator must run before any type from Microsoft.Build is loaded, so before the code that
        // touches MSBuildWorkspace is even JIT-compiled: keep that code in other methods.
        CliOptions options;
        try
        {
            options = CliOptions.Parse(args);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"jobsafety: {ex.Message}");
            Console.Error.WriteLine("Run 'jobsafety --help' for usage.");
            return ExitCodes.Error;
        }

        if (options.ShowHelp)
        {
            Console.Out.Write(CliOptions.HelpText);
            return ExitCodes.Clean;
        }

        if (options.ShowVersion)
        {
            Console.Out.WriteLine(typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            return ExitCodes.Clean;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await ScanCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"jobsafety: {ex.Message}");
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("jobsafety: cancelled.");
            return ExitCodes.Error;
        }
    }
}

/// <summary>The exit codes of <c>jobsafety scan</c>.</summary>
internal static class ExitCodes
{
    /// <summary>No finding (after the baseline).</summary>
    public const int Clean = 0;

    /// <summary>At least one finding (after the baseline).</summary>
    public const int Findings = 1;

    /// <summary>Usage error, or the path could not be loaded.</summary>
    public const int Error = 2;
}

/// <summary>A problem the user can fix (bad arguments, a path that is not a project): exit code 2, one clear message.</summary>
internal sealed class UsageException(string message) : Exception(message);
