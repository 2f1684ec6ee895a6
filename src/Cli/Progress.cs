namespace JobSafety.Cli;

/// <summary>
/// One progress line on standard error (standard output carries only the report). On a terminal the line is
/// rewritten in place; otherwise each step is its own line.
/// </summary>
internal sealed class Progress
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private int lastLength;

    public void Report(string message)
    {
        if (interactive)
        {
            var line = "jobsafety: " + message;
            Console.Error.Write("\r" + line.PadRight(lastLength));
            lastLength = line.Length;
        }
        else
        {
            Console.Error.WriteLine("jobsafety: " + message);
        }
    }

    public void Done()
    {
        if (interactive && lastLength > 0)
        {
            Console.Error.Write("\r" + new string(' ', lastLength) + "\r");
            lastLength = 0;
        }
    }
}
