using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.CodeFixes.Internal;

/// <summary>Adds a <c>using</c> directive where a person would: with the other usings, System ones first, then in order.</summary>
internal static class Usings
{
    public static CompilationUnitSyntax Add(CompilationUnitSyntax unit, string ns)
    {
        // Usings inside a single (file-scoped or block) namespace are where this file keeps them.
        if (unit.Usings.Count == 0 && unit.Members.Count == 1 && unit.Members[0] is BaseNamespaceDeclarationSyntax { Usings.Count: > 0 } namespaceDeclaration)
        {
            return unit.ReplaceNode(namespaceDeclaration, AddTo(namespaceDeclaration, ns));
        }

        var usings = unit.Usings;
        if (usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == ns))
        {
            return unit;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns).WithLeadingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        if (usings.Count == 0)
        {
            // Keep the file header (leading trivia of the first token) above the new directive.
            var firstToken = unit.GetFirstToken(includeZeroWidth: true);
            var header = firstToken.LeadingTrivia;
            var newLine = EndOfLine(unit);
            var withoutHeader = unit.ReplaceToken(firstToken, firstToken.WithLeadingTrivia(SyntaxFactory.TriviaList()));
            directive = directive.WithLeadingTrivia(header).WithTrailingTrivia(newLine, newLine);
            return withoutHeader.WithUsings(SyntaxFactory.SingletonList(directive));
        }

        directive = directive.WithTrailingTrivia(EndOfLine(unit));
        var index = InsertionIndex(usings, ns);
        if (index == 0)
        {
            // The first directive carries the file header: keep it first.
            var oldFirst = usings[0];
            directive = directive.WithLeadingTrivia(oldFirst.GetLeadingTrivia());
            usings = usings.Replace(oldFirst, oldFirst.WithLeadingTrivia(SyntaxFactory.TriviaList()));
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }

    private static BaseNamespaceDeclarationSyntax AddTo(BaseNamespaceDeclarationSyntax declaration, string ns)
    {
        var usings = declaration.Usings;
        if (usings.Any(u => u.Alias is null && u.Name?.ToString() == ns))
        {
            return declaration;
        }

        var first = usings[0];
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns).WithLeadingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(first.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
            .WithTrailingTrivia(first.GetTrailingTrivia());
        var index = InsertionIndex(usings, ns);
        if (index == 0)
        {
            directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
            usings = usings.Replace(first, first.WithLeadingTrivia(first.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia))));
        }

        return declaration.WithUsings(usings.Insert(index, directive));
    }

    private static int InsertionIndex(SyntaxList<UsingDirectiveSyntax> usings, string ns)
    {
        var index = 0;
        while (index < usings.Count && Before(usings[index], ns))
        {
            index++;
        }

        return index;
    }

    /// <summary>Whether an existing directive sorts before <c>using ns;</c> (System first, then ordinal, aliases and statics last).</summary>
    private static bool Before(UsingDirectiveSyntax existing, string ns)
    {
        if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None) || !existing.GlobalKeyword.IsKind(SyntaxKind.None) && existing.Name is null)
        {
            return false;
        }

        if (!existing.GlobalKeyword.IsKind(SyntaxKind.None))
        {
            return true; // global usings come first
        }

        var name = existing.Name?.ToString() ?? string.Empty;
        var isSystem = name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
        return isSystem || string.Compare(name, ns, StringComparison.OrdinalIgnoreCase) < 0;
    }

    private static SyntaxTrivia EndOfLine(SyntaxNode node) =>
        node.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { } eol && eol.IsKind(SyntaxKind.EndOfLineTrivia)
            ? eol
            : SyntaxFactory.CarriageReturnLineFeed;
}
