using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// A cheap, syntax-only test run on every method body before anything semantic: can a transaction
/// region be opened here at all? A region needs a transaction word in the body (TransactionScope,
/// BeginTransaction, IDbTransaction, ExecuteInTransaction, StartTransaction...), a <c>Begin…</c> call
/// (a unit of work), or a call to a method declared in a file that mentions transactions (a helper that
/// opens one or runs a callback inside one), or to a method listed in <c>jobsafety.transaction_methods</c>.
/// Methods that fail it (most of a code base) cost one token scan: no operation callbacks, no
/// control-flow graph. The semantic probe and the flow analysis decide the rest.
/// </summary>
internal sealed class RegionPrefilter
{
    private readonly Compilation _compilation;
    private readonly Lazy<HashSet<string>> _openerNames;

    public RegionPrefilter(Compilation compilation, IEnumerable<string> listedTransactionMethods, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        var listed = new List<string>(listedTransactionMethods);
        _openerNames = new Lazy<HashSet<string>>(() => CollectOpenerNames(listed, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxTree, bool> _trees = new();

    /// <summary>
    /// The same test for a whole file, decided once from its text: most files of a code base never mention
    /// a transaction or a transaction helper, and then none of their methods needs looking at.
    /// </summary>
    public bool MayOpenRegion(SyntaxTree tree)
    {
        if (_trees.TryGetValue(tree, out var cached))
        {
            return cached;
        }

        var text = tree.GetText().ToString();
        var result = text.IndexOf("Transaction", StringComparison.Ordinal) >= 0
            || text.IndexOf("Begin", StringComparison.Ordinal) >= 0
            || text.IndexOf("UnitOfWork", StringComparison.Ordinal) >= 0
            || MentionsOpener(tree, text);
        _trees.TryAdd(tree, result);
        return result;
    }

    private bool MentionsOpener(SyntaxTree tree, string text)
    {
        var openers = _openerNames.Value;
        if (openers.Count <= 64)
        {
            foreach (var name in openers)
            {
                if (text.IndexOf(name, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        return MayOpenRegion(tree.GetRoot());
    }

    /// <summary>True when the syntax may open a region (false means: certainly not).</summary>
    public bool MayOpenRegion(SyntaxNode body)
    {
        HashSet<string>? openers = null;
        foreach (var token in body.DescendantTokens())
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken))
            {
                continue;
            }

            var text = token.ValueText;
            if (IsTransactionWord(text))
            {
                return true;
            }

            openers ??= _openerNames.Value;
            if (openers.Contains(text))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool IsTransactionWord(string identifier) =>
        identifier.IndexOf("Transaction", StringComparison.Ordinal) >= 0
        || identifier.StartsWith("Begin", StringComparison.Ordinal)
        || identifier.IndexOf("UnitOfWork", StringComparison.Ordinal) >= 0;

    /// <summary>
    /// Names of the methods (and types, for constructors) declared in files that mention transactions:
    /// the helpers that may open one for their caller or run a callback inside one. Computed once.
    /// </summary>
    private HashSet<string> CollectOpenerNames(List<string> listed, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in listed)
        {
            names.Add(name);
        }

        foreach (var tree in _compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = tree.GetText(cancellationToken).ToString();
            if (text.IndexOf("Transaction", StringComparison.Ordinal) < 0 && text.IndexOf("UnitOfWork", StringComparison.Ordinal) < 0)
            {
                continue;
            }

            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
            {
                switch (node)
                {
                    case MethodDeclarationSyntax method:
                        names.Add(method.Identifier.ValueText);
                        break;
                    case TypeDeclarationSyntax type:
                        names.Add(type.Identifier.ValueText);
                        break;
                }
            }
        }

        return names;
    }
}
