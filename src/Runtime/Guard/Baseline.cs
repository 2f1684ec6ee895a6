using System.Text;
using System.Text.Json;

namespace JobSafety;

internal enum BaselineEntryKind
{
    Todo,
    Ignore,
}

internal sealed record BaselineEntry(BaselineEntryKind Kind, string Method, SideEffectCategory? Category, string? Reason);

/// <summary>
/// Known offenders, keyed by calling method. Format (comments and trailing commas allowed):
/// <code>
/// { "todo":   [ { "method": "Shop.Orders.OrderService.PlaceOrder", "category": "enqueue" } ],
///   "ignore": [ { "method": "Shop.Legacy.Importer.Run", "category": "http", "reason": "idempotent ping" } ] }
/// </code>
/// <c>category</c> is optional (any category when absent or <c>"*"</c>); <c>reason</c> is required for ignore entries.
/// </summary>
internal sealed class Baseline
{
    private readonly Dictionary<string, List<BaselineEntry>> _byMethod = new(StringComparer.Ordinal);

    internal BaselineEntry? Find(string? method, SideEffectCategory category)
    {
        if (method is null || !_byMethod.TryGetValue(method, out var entries)) return null;
        BaselineEntry? todo = null;
        foreach (var entry in entries)
        {
            if (entry.Category is not null && entry.Category != category) continue;
            if (entry.Kind == BaselineEntryKind.Ignore) return entry;
            todo ??= entry;
        }
        return todo;
    }

    internal static Baseline Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobSafetyConfigurationException(
                $"JobSafety baseline file '{path}' cannot be read ({ex.Message}). Fix BaselinePath or create the file " +
                "(format: { \"todo\": [ { \"method\": \"Namespace.Type.Method\", \"category\": \"enqueue\" } ], \"ignore\": [] }).", ex);
        }
        return Parse(bytes, path);
    }

    internal static Baseline Parse(byte[] bytes, string path)
    {
        var baseline = new Baseline();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            Expect(ref reader, bytes, path, JsonTokenType.StartObject, "the file must be one JSON object with \"todo\" and \"ignore\" arrays");
            while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString();
                BaselineEntryKind kind = section switch
                {
                    "todo" => BaselineEntryKind.Todo,
                    "ignore" => BaselineEntryKind.Ignore,
                    _ => throw Error(bytes, path, reader, $"unknown section \"{section}\"; only \"todo\" and \"ignore\" are allowed"),
                };
                Expect(ref reader, bytes, path, JsonTokenType.StartArray, $"\"{section}\" must be an array of entries");
                while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw Error(bytes, path, reader, $"each \"{section}\" entry must be an object like {{ \"method\": \"Namespace.Type.Method\", \"category\": \"enqueue\" }}");
                    var entry = ReadEntry(ref reader, bytes, path, kind);
                    if (!baseline._byMethod.TryGetValue(entry.Method, out var list)) baseline._byMethod[entry.Method] = list = new();
                    list.Add(entry);
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw Error(bytes, path, reader, "expected a section name (\"todo\" or \"ignore\")");
        }
        catch (JsonException ex)
        {
            throw new JobSafetyConfigurationException(
                $"JobSafety baseline file '{path}' is not valid JSON at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: " +
                $"{ex.Message} Fix the file (see docs/runtime.md, 'Baseline file') or remove BaselinePath.", ex);
        }
        return baseline;
    }

    private static BaselineEntry ReadEntry(ref Utf8JsonReader reader, byte[] bytes, string path, BaselineEntryKind kind)
    {
        var start = reader;
        string? method = null, reason = null;
        SideEffectCategory? category = null;
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            var at = reader;
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String) throw Error(bytes, path, reader, $"\"{property}\" must be a string");
            var value = reader.GetString()!;
            switch (property)
            {
                case "method":
                    method = value;
                    break;
                case "reason":
                    reason = value;
                    break;
                case "category":
                    category = value switch
                    {
                        "enqueue" => SideEffectCategory.Enqueue,
                        "mail" => SideEffectCategory.Mail,
                        "http" => SideEffectCategory.Http,
                        "other" => SideEffectCategory.Other,
                        "*" => null,
                        _ => throw Error(bytes, path, reader, $"unknown category \"{value}\"; use enqueue, mail, http, other or *"),
                    };
                    break;
                default:
                    throw Error(bytes, path, at, $"unknown property \"{property}\"; entries have \"method\", \"category\" and (ignore) \"reason\"");
            }
        }
        if (string.IsNullOrWhiteSpace(method)) throw Error(bytes, path, start, "entry without \"method\" (\"Namespace.Type.Method\")");
        if (kind == BaselineEntryKind.Ignore && string.IsNullOrWhiteSpace(reason))
            throw Error(bytes, path, start, $"ignore entry for \"{method}\" has no \"reason\"; say why it is accepted, or move it to \"todo\"");
        return new BaselineEntry(kind, method, category, reason);
    }

    private static bool Read(ref Utf8JsonReader reader) => reader.Read();

    private static void Expect(ref Utf8JsonReader reader, byte[] bytes, string path, JsonTokenType type, string what)
    {
        if (!reader.Read() || reader.TokenType != type) throw Error(bytes, path, reader, what);
    }

    private static JobSafetyConfigurationException Error(byte[] bytes, string path, Utf8JsonReader reader, string problem)
    {
        var offset = (int)Math.Min(reader.TokenStartIndex, bytes.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        var column = Encoding.UTF8.GetCharCount(bytes, lineStart, offset - lineStart) + 1;
        return new JobSafetyConfigurationException(
            $"JobSafety baseline file '{path}', line {line}, position {column}: {problem}. Fix the file (see docs/runtime.md, 'Baseline file') or remove BaselinePath.");
    }
}
