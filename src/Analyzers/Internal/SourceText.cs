using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers;

/// <summary>Finding the project's own names and types without walking syntax trees node by node.</summary>
internal static class SourceText
{
    /// <summary>
    /// The simple name (<c>Name</c>, <c>Name&lt;T&gt;</c>) whose identifier starts exactly at <paramref name="position"/> and is
    /// spelled <paramref name="name"/>: the one token lookup behind a text search for a name (a hit inside a longer
    /// identifier, a string or a comment gives null).
    /// </summary>
    public static SimpleNameSyntax? NameAt(SyntaxNode root, int position, string name)
    {
        var token = root.FindToken(position);
        return token.SpanStart == position && token.ValueText == name ? token.Parent as SimpleNameSyntax : null;
    }

    /// <summary>Every named type declared in the assembly, nested ones too: namespaces and members in declaration order, each type before its nested types.</summary>
    public static List<INamedTypeSymbol> TypesOf(IAssemblySymbol assembly)
    {
        var types = new List<INamedTypeSymbol>();
        Collect(assembly.GlobalNamespace, types);
        return types;

        static void Collect(INamespaceSymbol ns, List<INamedTypeSymbol> types)
        {
            foreach (var member in ns.GetMembers())
            {
                if (member is INamespaceSymbol child)
                {
                    Collect(child, types);
                }
                else if (member is INamedTypeSymbol type)
                {
                    CollectType(type, types);
                }
            }
        }

        static void CollectType(INamedTypeSymbol type, List<INamedTypeSymbol> types)
        {
            types.Add(type);
            foreach (var nested in type.GetTypeMembers())
            {
                CollectType(nested, types);
            }
        }
    }
}
