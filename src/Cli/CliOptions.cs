namespace JobSafety.Cli;

internal enum OutputFormat
{
    Text,
    Json,
    Sarif,
}

/// <summary>Hand-rolled parsing of <c>jobsafety scan PATH [options]</c>.</summary>
internal sealed class CliOptions
{
    public const string HelpText = """
        jobsafety - side effects that escape a database transaction (JobSafety analyzers JS0001-JS0005)

        Usage:
          jobsafety scan PATH [options]

        PATH      a solution (.sln, .slnx), a C# project (.csproj) or a folder holding one solution
                  or one or more .csproj files

        Options:
          --format text|json|sarif   output format (default: text)
          --output FILE              write the report to FILE instead of standard output
          --baseline FILE            report only findings that are not in the baseline FILE
          --write-baseline FILE      write every current finding to FILE as a baseline
          --no-restore               do not run 'dotnet restore' on PATH first
          -h, --help                 show this help
          --version                  show the version

        Exit codes:
          0  no findings (after the baseline)
          1  findings
          2  usage error, or PATH could not be restored or loaded

        """;

    public string? Path { get; private set; }

    public OutputFormat Format { get; private set; } = OutputFormat.Text;

    public string? OutputFile { get; private set; }

    public string? BaselineFile { get; private set; }

    public string? WriteBaselineFile { get; private set; }

    public bool NoRestore { get; private set; }

    public bool ShowHelp { get; private set; }

    public bool ShowVersion { get; private set; }

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CliOptions();
        if (args.Count == 0)
        {
            throw new UsageException("missing command: use 'jobsafety scan PATH'.");
        }

        if (args[0] is "-h" or "--help" or "help" or "-?")
        {
            options.ShowHelp = true;
            return options;
        }

        if (args[0] == "--version")
        {
            options.ShowVersion = true;
            return options;
        }

        if (args[0] != "scan")
        {
            throw new UsageException($"unknown command '{args[0]}': use 'jobsafety scan PATH'.");
        }

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                inlineValue = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
                arg = arg[..arg.IndexOf('=', StringComparison.Ordinal)];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue.Length > 0 ? inlineValue : throw new UsageException($"{arg} needs a value.");
                }

                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new UsageException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    options.ShowHelp = true;
                    break;
                case "--format" or "-f":
                    var format = Value();
                    options.Format = format.ToUpperInvariant() switch
                    {
                        "TEXT" => OutputFormat.Text,
                        "JSON" => OutputFormat.Json,
                        "SARIF" => OutputFormat.Sarif,
                        _ => throw new UsageException($"unknown format '{format}': use text, json or sarif."),
                    };
                    break;
                case "--output" or "-o":
                    options.OutputFile = Value();
                    break;
                case "--baseline":
                    options.BaselineFile = Value();
                    break;
                case "--write-baseline":
                    options.WriteBaselineFile = Value();
                    break;
                case "--no-restore":
                    options.NoRestore = true;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new UsageException($"unknown option '{arg}'.");
                    }

                    if (options.Path is not null)
                    {
                        throw new UsageException($"only one PATH can be scanned (got '{options.Path}' and '{arg}').");
                    }

                    options.Path = arg;
                    break;
            }
        }

        if (options.Path is null && !options.ShowHelp)
        {
            throw new UsageException("missing PATH: use 'jobsafety scan PATH' (a .sln, .slnx, .csproj or a folder).");
        }

        return options;
    }
}
