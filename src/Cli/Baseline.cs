using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JobSafety.Cli;

/// <summary>
/// A baseline: the findings a team has accepted for now. Written by <c>--write-baseline FILE</c>, applied by
/// <c>--baseline FILE</c>. A finding is keyed by rule id + file (relative to the scanned solution, project or
/// folder) + message with every line number replaced by N, so edits above a finding do not invalidate it; a key
/// holds a count, so a second identical finding in the same file is new.
/// <code>
/// { "version": 1, "findings": [ { "ruleId": "JS0001", "file": "Unsafe/CommentService.cs",
///     "message": "... opened by 'connection.BeginTransactionAsync()' (line N) ...", "count": 1 } ] }
/// </code>
/// </summary>
internal sealed partial class Baseline
{
    private readonly Dictionary<(string RuleId, string File, string Message), int> counts;

    private Baseline(Dictionary<(string, string, string), int> counts) => this.counts = counts;

    public static string NormalizeMessage(string message) => LineNumber().Replace(message, "${word} N");

    public static Baseline Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"baseline '{path}' does not exist (write one with --write-baseline {path}).");
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject()
                ?? throw new UsageException($"baseline '{path}' is empty.");
            var version = root["version"]?.GetValue<int>() ?? 0;
            if (version != 1)
            {
                throw new UsageException($"baseline '{path}' has version {version}; this jobsafety reads version 1.");
            }

            var counts = new Dictionary<(string, string, string), int>();
            foreach (var item in root["findings"]?.AsArray() ?? [])
            {
                var entry = item!.AsObject();
                var key = (
                    entry["ruleId"]!.GetValue<string>(),
                    entry["file"]!.GetValue<string>(),
                    NormalizeMessage(entry["message"]!.GetValue<string>()));
                counts[key] = counts.GetValueOrDefault(key) + (entry["count"]?.GetValue<int>() ?? 1);
            }

            return new Baseline(counts);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new UsageException($"baseline '{path}' is not a jobsafety baseline: {ex.Message}");
        }
    }

    public static void Write(string path, IReadOnlyList<Finding> findings)
    {
        var entries = new JsonArray();
        foreach (var group in findings
            .GroupBy(f => (f.RuleId, f.File, Message: NormalizeMessage(f.Message)))
            .OrderBy(g => g.Key.File, StringComparer.Ordinal)
            .ThenBy(g => g.Key.RuleId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Message, StringComparer.Ordinal))
        {
            entries.Add(new JsonObject
            {
                ["ruleId"] = group.Key.RuleId,
                ["file"] = group.Key.File,
                ["message"] = group.Key.Message,
                ["count"] = group.Count(),
            });
        }

        var document = new JsonObject
        {
            ["version"] = 1,
            ["tool"] = "jobsafety",
            ["findings"] = entries,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, document.ToJsonString(Reports.JsonOptions) + "\n");
    }

    /// <summary>The findings beyond the baseline: per key, the first <c>count</c> (in file order) are baselined.</summary>
    public IReadOnlyList<Finding> Filter(IReadOnlyList<Finding> findings)
    {
        var remaining = new Dictionary<(string, string, string), int>(counts);
        var fresh = new List<Finding>();
        foreach (var finding in findings)
        {
            var key = (finding.RuleId, finding.File, NormalizeMessage(finding.Message));
            if (remaining.TryGetValue(key, out var left) && left > 0)
            {
                remaining[key] = left - 1;
            }
            else
            {
                fresh.Add(finding);
            }
        }

        return fresh;
    }

    [GeneratedRegex(@"\b(?<word>[Ll]ines?) \d+")]
    private static partial Regex LineNumber();
}
