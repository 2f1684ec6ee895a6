using System.Text.RegularExpressions;

namespace JobSafety;

/// <summary>Removes anything secret-looking from side-effect targets before they reach a message or a log.</summary>
internal static partial class TargetSanitizer
{
    internal static string Sanitize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "(unnamed)";
        // A whole connection string (two or more key=value; pairs): name nothing of it.
        if (ConnectionStringLike().IsMatch(text)) return "(connection string redacted)";
        var result = UserInfo().Replace(text, "$1");
        result = SecretPair().Replace(result, "$1=***");
        result = QueryOrFragment().Replace(result, "");
        result = Email().Replace(result, "(address)");
        if (result.Length > 200) result = string.Concat(result.AsSpan(0, 200), "…");
        return result;
    }

    [GeneratedRegex(@"([a-z][a-z0-9+.\-]*://)[^/@\s]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|accountkey|sharedaccesskey|sig)\s*[=:]\s*(""[^""]*""|'[^']*'|[^;&,\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();

    [GeneratedRegex(@"[?#][^\s]*", RegexOptions.CultureInvariant)]
    private static partial Regex QueryOrFragment();

    [GeneratedRegex(@"^\s*([\w .]+=[^;]*;){2,}", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringLike();

    [GeneratedRegex(@"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
