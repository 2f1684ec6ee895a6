using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// A cheap, syntax-only test run before anything semantic: can a transaction region be opened here at all? A region
/// needs a transaction word (TransactionScope, BeginTransaction, IDbTransaction, ExecuteInTransaction,
/// StartTransaction, a <c>Begin…</c> call, UnitOfWork...) or a call to a source helper that opens one or runs a
/// callback inside one (an "opener": see <see cref="CollectOpenerNames"/>), or to a method listed in
/// <c>jobsafety.transaction_methods</c>. A file that fails it costs one scan of its text; a method that fails it one
/// scan of its tokens: no binding, no control-flow graph. The semantic probe and the flow analysis decide the rest.
/// </summary>
internal sealed class RegionPrefilter
{
    /// <summary><c>Begin…</c> names of common libraries that never start a transaction (logging scopes, the APM pattern, designers).</summary>
    private static readonly HashSet<string> NotTransactionBegins = new(StringComparer.Ordinal)
    {
        "BeginScope", "BeginInvoke", "BeginRead", "BeginWrite", "BeginInit", "BeginUpdate", "BeginEdit", "BeginGetResponse",
        "BeginGetRequestStream", "BeginReceive", "BeginSend", "BeginConnect", "BeginAccept", "BeginExecuteReader",
        "BeginExecuteNonQuery", "BeginLoadData", "BeginBatchUpdate", "BeginForm", "BeginRouteForm",
    };

    private readonly Compilation _compilation;
    private readonly Lazy<NameIndex> _openers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxTree, bool> _trees = new();

    public RegionPrefilter(Compilation compilation, ImmutableHashSet<ISymbol> listedTransactionMethods, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        var listed = new List<string>();
        foreach (var symbol in listedTransactionMethods)
        {
            listed.Add(symbol.Name);
            if (symbol is INamedTypeSymbol type)
            {
                // 'T:Acme.UnitOfWork': every method of the type; calls name the method, not the type.
                listed.AddRange(type.MemberNames);
            }
        }

        _openers = new Lazy<NameIndex>(() => new NameIndex(CollectOpenerNames(listed, cancellationToken)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

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
            || _openers.Value.MentionedIn(text);
        _trees.TryAdd(tree, result);
        return result;
    }

    /// <summary>True when the syntax may open a region (false means: certainly not).</summary>
    public bool MayOpenRegion(SyntaxNode node)
    {
        NameIndex? openers = null;
        foreach (var token in node.DescendantTokens())
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

            openers ??= _openers.Value;
            if (openers.Contains(text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the identifier names an opener (a source helper or a type whose constructor opens a transaction).</summary>
    public bool IsOpenerName(string identifier) => _openers.Value.Contains(identifier);

    internal static bool IsTransactionWord(string identifier) =>
        identifier.IndexOf("Transaction", StringComparison.Ordinal) >= 0
        || (identifier.StartsWith("Begin", StringComparison.Ordinal) && !NotTransactionBegins.Contains(identifier))
        || identifier.IndexOf("UnitOfWork", StringComparison.Ordinal) >= 0;

    /// <summary>
    /// The openers, computed once per compilation from the files that mention transactions (or a unit of work): the
    /// methods whose body has a transaction word (they may open a transaction for their caller, or run a callback
    /// inside one), then, to a fixed point, the methods of those files whose body calls one of them (a helper of a
    /// helper); the types whose constructor does, or whose base types name a transaction (a parameter of that type is
    /// a transaction); and using aliases of transaction types. A method that merely takes a transaction as a parameter
    /// is not an opener: its caller already holds the transaction.
    /// </summary>
    private HashSet<string> CollectOpenerNames(List<string> listed, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(listed, StringComparer.Ordinal);
        var pending = new List<(string Name, HashSet<string> Identifiers)>();
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
                    case UsingDirectiveSyntax { Alias: { } alias } directive when HasTransactionWord(directive):
                        names.Add(alias.Name.Identifier.ValueText);
                        break;
                    case TypeDeclarationSyntax type when type.BaseList is not null && HasTransactionWord(type.BaseList):
                        names.Add(type.Identifier.ValueText);
                        break;
                    case MethodDeclarationSyntax method:
                        Classify(method.Identifier.ValueText, (SyntaxNode?)method.Body ?? method.ExpressionBody);
                        break;
                    case PropertyDeclarationSyntax property when property.Type.ToString().IndexOf("TransactionScope", StringComparison.Ordinal) >= 0:
                        // `static TransactionScope Scope => new(...)`: a getter handing out a scope, a factory like a method.
                        names.Add(property.Identifier.ValueText);
                        break;
                    case ConstructorDeclarationSyntax constructor:
                        Classify(constructor.Identifier.ValueText, constructor);
                        break;
                }
            }
        }

        // A helper that calls a helper: to a fixed point (a chain is rarely longer than two or three).
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                if (names.Contains(pending[i].Name))
                {
                    pending.RemoveAt(i);
                    continue;
                }

                foreach (var identifier in pending[i].Identifiers)
                {
                    if (names.Contains(identifier))
                    {
                        names.Add(pending[i].Name);
                        pending.RemoveAt(i);
                        changed = true;
                        break;
                    }
                }
            }
        }

        return names;

        void Classify(string name, SyntaxNode? body)
        {
            if (body is null || names.Contains(name))
            {
                return;
            }

            var identifiers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in body.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken))
                {
                    continue;
                }

                if (IsTransactionWord(token.ValueText))
                {
                    names.Add(name);
                    return;
                }

                identifiers.Add(token.ValueText);
            }

            pending.Add((name, identifiers));
        }
    }

    private static bool HasTransactionWord(SyntaxNode node)
    {
        foreach (var token in node.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && IsTransactionWord(token.ValueText))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A set of names that can also be searched for as whole words in a text, without allocating per word.</summary>
    private sealed class NameIndex
    {
        private readonly HashSet<string> _names;
        private readonly Dictionary<int, List<string>> _byHash = new();
        private readonly int _minLength = int.MaxValue;
        private readonly int _maxLength;

        public NameIndex(HashSet<string> names)
        {
            _names = names;
            foreach (var name in names)
            {
                if (name.Length == 0)
                {
                    continue;
                }

                var hash = Hash(name, 0, name.Length);
                if (!_byHash.TryGetValue(hash, out var bucket))
                {
                    _byHash[hash] = bucket = new List<string>(1);
                }

                bucket.Add(name);
                _minLength = Math.Min(_minLength, name.Length);
                _maxLength = Math.Max(_maxLength, name.Length);
            }
        }

        public bool Contains(string name) => _names.Contains(name);

        /// <summary>True when one of the names occurs in the text as a whole identifier-like word.</summary>
        public bool MentionedIn(string text)
        {
            if (_byHash.Count == 0)
            {
                return false;
            }

            var i = 0;
            while (i < text.Length)
            {
                if (!IsWordStart(text[i]))
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && IsWordPart(text[i]))
                {
                    i++;
                }

                var length = i - start;
                if (length >= _minLength && length <= _maxLength && _byHash.TryGetValue(Hash(text, start, length), out var bucket))
                {
                    foreach (var name in bucket)
                    {
                        if (name.Length == length && string.CompareOrdinal(text, start, name, 0, length) == 0)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool IsWordStart(char c) => c == '_' || char.IsLetter(c);

        private static bool IsWordPart(char c) => c == '_' || char.IsLetterOrDigit(c);

        private static int Hash(string text, int start, int length)
        {
            unchecked
            {
                var hash = (int)2166136261;
                for (var i = start; i < start + length; i++)
                {
                    hash = (hash ^ text[i]) * 16777619;
                }

                return hash;
            }
        }
    }
}
