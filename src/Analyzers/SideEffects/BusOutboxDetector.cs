using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers.SideEffects;

/// <summary>
/// Does this project configure MassTransit's bus outbox (<c>x.AddEntityFrameworkOutbox&lt;TDb&gt;(o =&gt; o.UseBusOutbox())</c>,
/// likewise for the MongoDB outbox)? Then a publish or send made through the scoped <c>IPublishEndpoint</c> /
/// <c>ISendEndpointProvider</c> is written to the outbox with the transaction and delivered after the commit: atomic.
/// Decided once per compilation, on first need: a text search for <c>UseBusOutbox</c>, then each occurrence is bound and
/// must be a MassTransit library method (a method of that name declared in the project does not count).
/// </summary>
internal sealed class BusOutboxDetector
{
    private const string Name = "UseBusOutbox";
    private readonly Compilation _compilation;
    private readonly Lazy<bool> _configured;

    public BusOutboxDetector(Compilation compilation)
    {
        _compilation = compilation;
        _configured = new Lazy<bool>(Detect, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool IsConfigured => _configured.Value;

    private bool Detect()
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var text = tree.GetText().ToString();
            for (var at = text.IndexOf(Name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Name, at + Name.Length, StringComparison.Ordinal))
            {
                var token = tree.GetRoot().FindToken(at);
                if (token.SpanStart != at || token.ValueText != Name || token.Parent is not SimpleNameSyntax name)
                {
                    continue;
                }

                var invocation = name.Parent switch
                {
                    MemberAccessExpressionSyntax member when member.Name == name => member.Parent as InvocationExpressionSyntax,
                    InvocationExpressionSyntax direct when direct.Expression == name => direct,
                    _ => null,
                };

                if (invocation is null)
                {
                    continue;
                }

#pragma warning disable RS1030 // One configuration call, bound once per compilation and only when a MassTransit call sits in a transaction.
                var info = _compilation.GetSemanticModel(tree).GetSymbolInfo(invocation);
#pragma warning restore RS1030
                if (IsMassTransitLibraryMethod(info.Symbol))
                {
                    return true;
                }

                foreach (var candidate in info.CandidateSymbols)
                {
                    if (IsMassTransitLibraryMethod(candidate))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsMassTransitLibraryMethod(ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol method || SideEffectCatalog.IsInSource(method))
        {
            return false;
        }

        var ns = method.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns is { Name: "MassTransit" };
    }
}
