using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers.SideEffects;

/// <summary>
/// Does this project configure MassTransit's bus outbox (<c>x.AddEntityFrameworkOutbox&lt;TDb&gt;(o =&gt; o.UseBusOutbox())</c>,
/// likewise for the MongoDB outbox)? Then a publish or send made through the scoped <c>IPublishEndpoint</c> /
/// <c>ISendEndpointProvider</c> is written to the outbox with the transaction and delivered after the commit: atomic.
/// Likewise a consumer outbox (<c>UseInMemoryOutbox()</c>, <c>UseEntityFrameworkOutbox&lt;TDb&gt;(context)</c>, ...): what a
/// consumer publishes or sends through its <c>ConsumeContext</c> is held until the consumer has completed.
/// Decided once per compilation, on first need: a text search for the configuration method's name, then each occurrence is
/// bound and must be a MassTransit library method (a method of that name declared in the project does not count).
/// </summary>
internal sealed class BusOutboxDetector
{
    private static readonly string[] BusOutboxNames = { "UseBusOutbox" };

    // Consumer outboxes: MassTransit's in-memory outbox and the transactional (EF Core, MongoDB) consumer outbox hold what
    // a consumer publishes or sends through its ConsumeContext until the consumer has completed.
    private static readonly string[] ConsumerOutboxNames = { "UseInMemoryOutbox", "UseInMemoryInboxOutbox", "UseEntityFrameworkOutbox", "UseMongoDbOutbox" };

    private readonly Compilation _compilation;
    private readonly Lazy<bool> _configured;
    private readonly Lazy<bool> _consumerOutbox;

    public BusOutboxDetector(Compilation compilation)
    {
        _compilation = compilation;
        _configured = new Lazy<bool>(() => Detect(BusOutboxNames), LazyThreadSafetyMode.ExecutionAndPublication);
        _consumerOutbox = new Lazy<bool>(() => Detect(ConsumerOutboxNames), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The bus outbox (<c>UseBusOutbox()</c>) is configured.</summary>
    public bool IsConfigured => _configured.Value;

    /// <summary>A consumer outbox (<c>UseInMemoryOutbox</c>, <c>UseEntityFrameworkOutbox</c>, <c>UseMongoDbOutbox</c>...) is configured.</summary>
    public bool ConsumerOutboxConfigured => _consumerOutbox.Value;

    private bool Detect(string[] names)
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var text = tree.GetText().ToString();
            foreach (var name in names)
            {
                if (DetectIn(tree, text, name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool DetectIn(SyntaxTree tree, string text, string name)
    {
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
        {
            if (SourceText.NameAt(tree.GetRoot(), at, name) is not { } simpleName)
            {
                continue;
            }

            var invocation = simpleName.Parent switch
            {
                MemberAccessExpressionSyntax member when member.Name == simpleName => member.Parent as InvocationExpressionSyntax,
                InvocationExpressionSyntax direct when direct.Expression == simpleName => direct,
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
