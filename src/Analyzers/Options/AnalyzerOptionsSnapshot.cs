using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using JobSafety.Analyzers.SideEffects;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Analyzers.Options;

/// <summary>
/// The raw <c>jobsafety.*</c> values that apply to one file. Two files with the same values share
/// one parsed <see cref="JobSafetyOptions"/> (see <see cref="Key"/>).
/// </summary>
internal sealed class AnalyzerOptionsSnapshot
{
    private AnalyzerOptionsSnapshot(ImmutableArray<(string Key, string? Value)> values)
    {
        Values = values;
        var builder = new StringBuilder();
        foreach (var (key, value) in values)
        {
            builder.Append(key).Append('=').Append(value).Append('\n');
        }

        Key = builder.ToString();
    }

    public ImmutableArray<(string Key, string? Value)> Values { get; }

    public string Key { get; }

    public static AnalyzerOptionsSnapshot Read(AnalyzerConfigOptions options)
    {
        var values = ImmutableArray.CreateBuilder<(string, string?)>(OptionKeys.All.Length);
        foreach (var key in OptionKeys.All)
        {
            values.Add((key, options.TryGetValue(key, out var value) ? value : null));
        }

        return new AnalyzerOptionsSnapshot(values.MoveToImmutable());
    }

    public string? Get(string key)
    {
        foreach (var (k, v) in Values)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>Parsed options, with their symbols resolved against one compilation, and the problems found.</summary>
internal sealed class JobSafetyOptions
{
    private JobSafetyOptions()
    {
    }

    public ImmutableArray<(ISymbol Symbol, SideEffectCategory Category)> AdditionalSideEffects { get; private set; } = ImmutableArray<(ISymbol, SideEffectCategory)>.Empty;

    public ImmutableHashSet<ISymbol> TransactionalApis { get; private set; } = ImmutableHashSet<ISymbol>.Empty;

    public ImmutableHashSet<ISymbol> TransactionMethods { get; private set; } = ImmutableHashSet<ISymbol>.Empty;

    public ImmutableHashSet<ISymbol> DeferredMethods { get; private set; } = ImmutableHashSet<ISymbol>.Empty;

    public int CallDepth { get; private set; } = OptionKeys.DefaultCallDepth;

    public bool HangfireStorageEnlists { get; private set; }

    /// <summary>One message per malformed value: key, value, what is expected, what was done instead.</summary>
    public ImmutableArray<string> Errors { get; private set; } = ImmutableArray<string>.Empty;

    public static JobSafetyOptions Parse(AnalyzerOptionsSnapshot snapshot, Compilation compilation)
    {
        var options = new JobSafetyOptions();
        var errors = ImmutableArray.CreateBuilder<string>();

        var depth = snapshot.Get(OptionKeys.CallDepth);
        if (!string.IsNullOrWhiteSpace(depth))
        {
            if (int.TryParse(depth!.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= OptionKeys.MaxCallDepth)
            {
                options.CallDepth = value;
            }
            else
            {
                errors.Add(Error(OptionKeys.CallDepth, depth, $"a whole number from 0 to {OptionKeys.MaxCallDepth}", $"the default ({OptionKeys.DefaultCallDepth})"));
            }
        }

        var enlists = snapshot.Get(OptionKeys.HangfireStorageEnlists);
        if (!string.IsNullOrWhiteSpace(enlists))
        {
            if (bool.TryParse(enlists!.Trim(), out var value))
            {
                options.HangfireStorageEnlists = value;
            }
            else
            {
                errors.Add(Error(OptionKeys.HangfireStorageEnlists, enlists, "true or false", "the default (false)"));
            }
        }

        var additional = ImmutableArray.CreateBuilder<(ISymbol, SideEffectCategory)>();
        foreach (var item in SplitList(snapshot.Get(OptionKeys.AdditionalSideEffects)))
        {
            var colon = item.IndexOf(':');
            if (colon <= 0 || !SideEffectCategoryNames.TryParse(item.Substring(0, colon), out var category))
            {
                errors.Add(Error(OptionKeys.AdditionalSideEffects, item, "'category:DocumentationCommentId' with a category of enqueue, mail, http or other, e.g. 'enqueue:M:Acme.Queue.Push(System.String)' or 'mail:T:Acme.Mailer'", "nothing for this entry"));
                continue;
            }

            var id = item.Substring(colon + 1).Trim();
            if (!IsDocumentationId(id, allowType: true))
            {
                errors.Add(Error(OptionKeys.AdditionalSideEffects, item, "a documentation comment ID after the category, starting with 'M:' (a method) or 'T:' (every method of a type)", "nothing for this entry"));
                continue;
            }

            foreach (var symbol in Resolve(id, compilation))
            {
                additional.Add((symbol, category));
            }
        }

        options.AdditionalSideEffects = additional.ToImmutable();
        options.TransactionalApis = ParseMethodList(OptionKeys.TransactionalApis, snapshot, compilation, errors);
        options.TransactionMethods = ParseMethodList(OptionKeys.TransactionMethods, snapshot, compilation, errors);
        options.DeferredMethods = ParseMethodList(OptionKeys.DeferredMethods, snapshot, compilation, errors);
        options.Errors = errors.ToImmutable();
        return options;
    }

    private static ImmutableHashSet<ISymbol> ParseMethodList(string key, AnalyzerOptionsSnapshot snapshot, Compilation compilation, ImmutableArray<string>.Builder errors)
    {
        var set = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var item in SplitList(snapshot.Get(key)))
        {
            if (!IsDocumentationId(item, allowType: true))
            {
                errors.Add(Error(key, item, "a documentation comment ID such as 'M:Acme.UnitOfWork.Run(System.Action)' (or 'T:Acme.UnitOfWork' for every method of the type)", "nothing for this entry"));
                continue;
            }

            foreach (var symbol in Resolve(item, compilation))
            {
                set.Add(symbol);
            }
        }

        return set.ToImmutable();
    }

    /// <summary>
    /// IDs that resolve to nothing are ignored without an error: one shared .editorconfig serves
    /// projects that do not all reference the same libraries.
    /// </summary>
    private static IEnumerable<ISymbol> Resolve(string id, Compilation compilation)
    {
        if (id.StartsWith("T:", StringComparison.Ordinal))
        {
            var type = compilation.GetTypeByMetadataName(id.Substring(2));
            if (type is not null)
            {
                return new ISymbol[] { type };
            }
        }

        return DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation);
    }

    private static bool IsDocumentationId(string id, bool allowType)
    {
        if (id.Length < 3 || id[1] != ':')
        {
            return false;
        }

        if (id[0] != 'M' && !(allowType && id[0] == 'T'))
        {
            return false;
        }

        var depth = 0;
        for (var i = 2; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsWhiteSpace(c))
            {
                return false;
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth < 0)
            {
                return false;
            }
        }

        return depth == 0 && (char.IsLetter(id[2]) || id[2] == '_');
    }

    /// <summary>Splits on ',' ';' and white space outside parentheses (method IDs contain commas).</summary>
    internal static IEnumerable<string> SplitList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield break;
        }

        var current = new StringBuilder();
        var depth = 0;
        foreach (var c in value!)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }

            if (depth <= 0 && (c == ',' || c == ';' || char.IsWhiteSpace(c)))
            {
                if (current.Length > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static string Error(string key, string value, string expected, string fallback) =>
        $"JobSafety option '{key}' has the value '{value.Trim()}', which is not valid: expected {expected}. Fix the value in the .editorconfig or .globalconfig that sets it; until then the analyzer uses {fallback} and goes on.";
}
