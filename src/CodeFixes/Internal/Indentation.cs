using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace JobSafety.CodeFixes.Internal;

/// <summary>Indentation of statements that move to another nesting level, trivia by trivia (string contents untouched).</summary>
internal static class Indentation
{
    /// <summary>The whitespace at the start of the line where <paramref name="node"/> begins.</summary>
    public static string Of(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        var indent = string.Empty;
        for (var i = 0; i < leading.Count; i++)
        {
            var trivia = leading[i];
            if (trivia.IsKind(SyntaxKind.WhitespaceTrivia) && (i == 0 || EndsLine(leading[i - 1])))
            {
                indent = trivia.ToString();
            }
            else if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                indent = string.Empty;
            }
        }

        return indent;
    }

    /// <summary>An end of line, or a trivia that holds its own (a preprocessor directive, a documentation comment).</summary>
    private static bool EndsLine(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.EndOfLineTrivia) || (trivia.HasStructure && trivia.ToFullString().EndsWith("\n", System.StringComparison.Ordinal));

    /// <summary>Replaces the indentation prefix <paramref name="from"/> by <paramref name="to"/> on every line the node starts or continues.</summary>
    public static TNode Shift<TNode>(TNode node, string from, string to)
        where TNode : SyntaxNode
    {
        if (from == to)
        {
            return node;
        }

        var atLineStart = true; // the node's first line starts at the beginning of a line
        var replacements = new Dictionary<SyntaxTrivia, SyntaxTrivia>();
        foreach (var token in node.DescendantTokens(descendIntoTrivia: false))
        {
            var leading = token.LeadingTrivia;
            for (var i = 0; i < leading.Count; i++)
            {
                var lineStart = i == 0 ? atLineStart : EndsLine(leading[i - 1]);
                if (lineStart && leading[i].IsKind(SyntaxKind.WhitespaceTrivia))
                {
                    var text = leading[i].ToString();
                    if (text.StartsWith(from, System.StringComparison.Ordinal))
                    {
                        replacements[leading[i]] = SyntaxFactory.Whitespace(to + text.Substring(from.Length));
                    }
                }
            }

            var trailing = token.TrailingTrivia;
            atLineStart = trailing.Count > 0 && trailing[trailing.Count - 1].IsKind(SyntaxKind.EndOfLineTrivia);
        }

        return node.ReplaceTrivia(replacements.Keys, (original, _) => replacements[original]);
    }
}
