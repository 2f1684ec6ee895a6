using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JobSafety.Cli;

/// <summary>The three report formats: text (grouped by file), JSON and SARIF 2.1.0.</summary>
internal static class Reports
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string ToolVersion => typeof(Reports).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string Text(IReadOnlyList<Finding> findings, ScanResult result, int baselined)
    {
        var text = new StringBuilder();
        var scanned = $"{result.Projects.Count} project{(result.Projects.Count == 1 ? "" : "s")} scanned";
        var hidden = baselined > 0 ? $", {baselined} more in the baseline" : "";
        if (findings.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"No JobSafety findings ({scanned}{hidden}).\n");
            return text.ToString();
        }

        foreach (var file in findings.GroupBy(f => f.File))
        {
            text.Append(file.Key).Append('\n');
            foreach (var finding in file)
            {
                text.Append(CultureInfo.InvariantCulture, $"  line {finding.Line,-5} {finding.Severity} {finding.RuleId}  {finding.Message}\n");
            }
        }

        var files = findings.Select(f => f.File).Distinct().Count();
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")} in {files} file{(files == 1 ? "" : "s")} ({scanned}{hidden}).\n");
        text.Append("Each message names the call, the chain that leads to it and the transaction, and ends with the fix. Rule pages:\n");
        foreach (var rule in findings.Select(f => (f.RuleId, f.HelpUri)).Distinct().OrderBy(r => r.RuleId, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {rule.RuleId}  {rule.HelpUri}\n");
        }

        return text.ToString();
    }

    public static string Json(IReadOnlyList<Finding> findings, ScanResult result, int baselined)
    {
        var items = new JsonArray();
        foreach (var finding in findings)
        {
            var item = new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["severity"] = finding.Severity,
                ["file"] = finding.File,
                ["line"] = finding.Line,
                ["column"] = finding.Column,
                ["endLine"] = finding.EndLine,
                ["endColumn"] = finding.EndColumn,
                ["message"] = finding.Message,
                ["helpUri"] = finding.HelpUri,
            };
            if (finding.Related.Count > 0)
            {
                item["transaction"] = new JsonObject
                {
                    ["file"] = finding.Related[0].File,
                    ["line"] = finding.Related[0].Line,
                    ["column"] = finding.Related[0].Column,
                };
            }

            items.Add(item);
        }

        var document = new JsonObject
        {
            ["version"] = 1,
            ["tool"] = new JsonObject { ["name"] = "jobsafety", ["version"] = ToolVersion },
            ["root"] = result.Root,
            ["projects"] = new JsonArray(result.Projects.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
            ["count"] = findings.Count,
            ["baselined"] = baselined,
            ["findings"] = items,
        };
        return document.ToJsonString(JsonOptions) + "\n";
    }

    public static string Sarif(IReadOnlyList<Finding> findings, ScanResult result)
    {
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new JsonArray();
        foreach (var rule in result.Rules)
        {
            ruleIndex[rule.Id] = rules.Count;
            rules.Add(new JsonObject
            {
                ["id"] = rule.Id,
                ["shortDescription"] = new JsonObject { ["text"] = rule.Title.ToString(CultureInfo.InvariantCulture) },
                ["fullDescription"] = new JsonObject { ["text"] = rule.Description.ToString(CultureInfo.InvariantCulture) },
                ["helpUri"] = string.IsNullOrEmpty(rule.HelpLinkUri) ? null : rule.HelpLinkUri,
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(rule.DefaultSeverity) },
                ["properties"] = new JsonObject { ["category"] = rule.Category },
            });
        }

        var results = new JsonArray();
        foreach (var finding in findings)
        {
            var sarifResult = new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["level"] = finding.Severity,
                ["message"] = new JsonObject { ["text"] = finding.Message },
                ["locations"] = new JsonArray(PhysicalLocation(finding.File, finding.Line, finding.Column, finding.EndLine, finding.EndColumn)),
                ["partialFingerprints"] = new JsonObject { ["jobsafetyBaselineKey/v1"] = Fingerprint(finding) },
                ["properties"] = new JsonObject { ["helpUri"] = finding.HelpUri },
            };
            if (ruleIndex.TryGetValue(finding.RuleId, out var index))
            {
                sarifResult["ruleIndex"] = index;
            }

            if (finding.Related.Count > 0)
            {
                var related = new JsonArray();
                for (var i = 0; i < finding.Related.Count; i++)
                {
                    var location = PhysicalLocation(finding.Related[i].File, finding.Related[i].Line, finding.Related[i].Column, null, null);
                    location["id"] = i;
                    location["message"] = new JsonObject { ["text"] = "the transaction is opened here" };
                    related.Add(location);
                }

                sarifResult["relatedLocations"] = related;
            }

            results.Add(sarifResult);
        }

        var root = new Uri(result.Root.EndsWith(Path.DirectorySeparatorChar) ? result.Root : result.Root + Path.DirectorySeparatorChar).AbsoluteUri;
        var document = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "JobSafety",
                        ["version"] = ToolVersion,
                        ["informationUri"] = "https://github.com/jobsafety/jobsafety",
                        ["rules"] = rules,
                    },
                },
                ["originalUriBaseIds"] = new JsonObject { ["SRCROOT"] = new JsonObject { ["uri"] = root } },
                ["results"] = results,
            }),
        };
        return document.ToJsonString(JsonOptions) + "\n";
    }

    private static JsonObject PhysicalLocation(string file, int line, int column, int? endLine, int? endColumn)
    {
        var region = new JsonObject { ["startLine"] = line, ["startColumn"] = column };
        if (endLine is not null)
        {
            region["endLine"] = endLine;
            region["endColumn"] = endColumn;
        }

        return new JsonObject
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = Uri.EscapeDataString(file).Replace("%2F", "/", StringComparison.Ordinal), ["uriBaseId"] = "SRCROOT" },
                ["region"] = region,
            },
        };
    }

    private static string Fingerprint(Finding finding)
    {
        var key = $"{finding.RuleId}\n{finding.File}\n{Baseline.NormalizeMessage(finding.Message)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static string Level(Microsoft.CodeAnalysis.DiagnosticSeverity severity) => severity switch
    {
        Microsoft.CodeAnalysis.DiagnosticSeverity.Error => "error",
        Microsoft.CodeAnalysis.DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };
}
