using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using JobSafety.Analyzers.Regions;
using JobSafety.Analyzers.SideEffects;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Rules;

/// <summary>
/// JS0001–JS0004: for each call that runs while a database transaction may be open (the region model)
/// and that the catalog classifies as a side effect — directly, or through source methods it calls —
/// report it with the rule of its category. One analyzer for the four rules so the flow analysis of
/// a method runs once. Also reports malformed options (JS9999).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SideEffectInTransactionAnalyzer : DiagnosticAnalyzer
{
    internal const string SiteKindProperty = "SiteKind";
    internal const string CategoryProperty = "Category";
    internal const string ThroughCallProperty = "ThroughCall";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.EnqueueInTransaction,
        DiagnosticDescriptors.MailInTransaction,
        DiagnosticDescriptors.HttpInTransaction,
        DiagnosticDescriptors.OtherSideEffectInTransaction,
        DiagnosticDescriptors.InvalidOption);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        var shared = new JobSafetyCompilationContext(context.Compilation, context.Options.AnalyzerConfigOptionsProvider);

        // Everything runs from a syntax tree action on purpose. An operation or semantic-model callback makes the
        // driver bind every method body of the compilation (and build its operation tree) before asking us anything,
        // although almost no method of a code base can open a transaction. Here a file costs one text scan unless it
        // mentions a transaction or a transaction helper; then only its candidate methods are bound, through the
        // compilation's semantic model (shared with the driver's cache), and get a control-flow graph.
        context.RegisterSyntaxTreeAction(treeContext => Guard.Run(() =>
        {
            var configured = shared.For(treeContext.Tree);
            if (!configured.Options.Errors.IsEmpty && configured.ClaimErrorReport())
            {
                var location = Location.Create(treeContext.Tree, new Microsoft.CodeAnalysis.Text.TextSpan(0, 0));
                foreach (var error in configured.Options.Errors)
                {
                    treeContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidOption, location, error + $" (first seen for '{System.IO.Path.GetFileName(treeContext.Tree.FilePath)}')"));
                }
            }

            AnalyzeTree(treeContext, shared, configured);
        }));
    }

    private static void AnalyzeTree(SyntaxTreeAnalysisContext context, JobSafetyCompilationContext shared, JobSafetyCompilationContext.Configured configured)
    {
        var tree = context.Tree;
        // No transaction word and no call to a helper that may open one in the file: nothing to analyse (most files stop here).
        if (!configured.Prefilter.MayOpenRegion(tree) || !shared.Compilation.ContainsSyntaxTree(tree) || !shared.Symbols.IsValid)
        {
            return;
        }

        SemanticModel? model = null;
        var probe = new StartProbe(shared.Symbols, configured);
        foreach (var candidate in CodeBlocks.In(tree.GetRoot(context.CancellationToken)))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (context.FilterSpan is { } filter && !filter.IntersectsWith(candidate.Declaration.Span))
            {
                continue;
            }

            // The same test per method: its parameters and body (not its name).
            if (!candidate.MayOpenRegion(configured.Prefilter))
            {
                continue;
            }

            // One method's failure (half-typed code) must not cost the rest of the file its analysis.
            Guard.Run(() =>
            {
#pragma warning disable RS1030 // On purpose (see OnCompilationStart): the driver hands out the same cached model.
                model ??= shared.Compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                AnalyzeBlock(context, model, candidate, shared, configured, probe);
            });
        }
    }

    private static void AnalyzeBlock(SyntaxTreeAnalysisContext context, SemanticModel model, CodeBlocks.Candidate candidate, JobSafetyCompilationContext shared, JobSafetyCompilationContext.Configured configured, StartProbe probe)
    {
        var owner = candidate.GetOwner(model, context.CancellationToken);
        if (owner is null || CodeBlocks.IsGeneratedCode(owner))
        {
            return;
        }

        var root = model.GetOperation(candidate.Body, context.CancellationToken);
        while (root?.Parent is not null)
        {
            root = root.Parent;
        }

        if (root is not (IMethodBodyBaseOperation or IBlockOperation))
        {
            return;
        }

        var symbols = shared.Symbols;
        var relevant = false;
        foreach (var parameter in owner.Parameters)
        {
            if (symbols.IsTransactionType(parameter.Type))
            {
                relevant = true;
                break;
            }
        }

        if (!relevant && CodeBlocks.ExtensionReceiver(owner, model, context.CancellationToken) is { } receiver && symbols.IsTransactionType(receiver.Type))
        {
            relevant = true;
        }

        if (!relevant)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation.Kind is OperationKind.Invocation or OperationKind.ObjectCreation or OperationKind.AnonymousFunction or OperationKind.PropertyReference
                    && probe.MayOpenRegion(operation))
                {
                    relevant = true;
                    break;
                }
            }
        }

        if (!relevant)
        {
            return;
        }

        var graph = CodeBlocks.GraphOf(root, context.CancellationToken);

        if (graph is null)
        {
            return;
        }

        configured.Summaries.CancellationToken = context.CancellationToken;
        var regions = RegionAnalysis.Run(graph, owner, symbols, configured.Summaries, context.CancellationToken);
        Report(context.ReportDiagnostic, regions, configured, symbols, owner);
    }

    private static void Report(Action<Diagnostic> report, RegionAnalysis regions, JobSafetyCompilationContext.Configured configured, TransactionSymbols symbols, IMethodSymbol owner)
    {
        if (regions.Hits.Count == 0)
        {
            return;
        }

        var hits = regions.Hits.OrderBy(h => h.Key.Syntax.SpanStart).ToList();
        foreach (var hit in hits)
        {
            if (hit.Key is not IInvocationOperation invocation)
            {
                continue;
            }

            var mask = hit.Value;
            var target = invocation.TargetMethod;
            if (target.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke)
            {
                continue;
            }

            var receiverType = Summaries.MethodSummaries.ReceiverType(invocation);
            if (regions.IsHandedTransaction(invocation, mask))
            {
                // Work of the transaction itself (a call on it, its connection, or the DbContext that owns it): atomic.
                // But a source override of that context's SaveChanges runs its own code around the save (domain events
                // published to a bus, jobs enqueued), and that code is not part of the transaction: it is followed.
                ReportThroughCalls(report, invocation, SaveChangesOverrides(target, receiverType, symbols), mask, regions, configured);
                continue;
            }

            var effect = configured.Catalog.Classify(target, receiverType);
            if (effect is not null)
            {
                if (configured.Catalog.IsDeclaredTransactional(target) || IsAtomicInRegion(effect, target, mask, regions, configured)
                    || (regions.AllSitesAre(mask, TransactionSiteKind.Scope) && EnlistsInAmbientTransaction(receiverType))
                    || (effect.Category == SideEffectCategory.Http && configured.Summaries.TestClients.IsInProcessRequest(invocation, configured.Summaries.CancellationToken)))
                {
                    continue;
                }

                // A call through an interface the project supplies (ASP.NET Core Identity's IEmailSender) is judged by the
                // project's implementations when the compilation has any: a no-op or logging sender is not a side effect.
                if (configured.Options.CallDepth > 0
                    && configured.Summaries.ProjectImplementedEffects(effect, target, configured.Options.CallDepth) is { } supplied)
                {
                    foreach (var path in supplied)
                    {
                        if (IsAtomicInRegion(path.Effect, null, mask, regions, configured)
                            || (path.OnlyWithoutAmbientTransaction && regions.AllSitesAre(mask, TransactionSiteKind.Scope)))
                        {
                            continue;
                        }

                        ReportOne(report, invocation, path.Effect, path.Chain, regions.FirstSite(mask));
                    }

                    continue;
                }

                ReportOne(report, invocation, effect, ImmutableArray<string>.Empty, regions.FirstSite(mask));
                continue;
            }

            // db.SaveChangesAsync() bound to DbContext's own overload while the context overrides another one (the
            // (bool, CancellationToken) overload EF calls from all the others): the override runs.
            IReadOnlyList<IMethodSymbol> callees = configured.Summaries.ResolveBody(target) is null
                ? SaveChangesOverrides(target, receiverType, symbols)
                : configured.Summaries.ResolveCallee(target, owner) is { } callee ? new[] { callee } : Array.Empty<IMethodSymbol>();
            if (callees.Count == 0)
            {
                // _mediator.Publish(new OrderPlaced(..)) / Send(new Invoice(..)): MediatR runs the project's handlers in process,
                // inside the transaction, before the call returns.
                callees = configured.Summaries.DispatchedHandlers(invocation);
            }

            ReportThroughCalls(report, invocation, callees, mask, regions, configured);
        }
    }

    /// <summary>Side effects that source callees perform (to <c>call_depth</c>), reported at the call: once per category, shortest chain.</summary>
    private static void ReportThroughCalls(Action<Diagnostic> report, IInvocationOperation invocation, IReadOnlyList<IMethodSymbol> callees, ulong mask, RegionAnalysis regions, JobSafetyCompilationContext.Configured configured)
    {
        var depth = configured.Options.CallDepth;
        if (depth <= 0 || callees.Count == 0)
        {
            return;
        }

        var reported = callees.Count > 1 ? new Dictionary<SideEffectCategory, Summaries.SideEffectPath>() : null;
        foreach (var callee in callees)
        {
            if (configured.Summaries.ResolveBody(callee) is null)
            {
                continue;
            }

            // A callee that commits, rolls back or begins a transaction itself (_unitOfWork.CommitAsync()
            // that commits, then publishes its domain events) orders its side effects around that: what it
            // does inside a transaction is reported in its own body, not at the call.
            if (!configured.Summaries.GetTransactionEffect(callee).IsNone)
            {
                continue;
            }

            foreach (var path in configured.Summaries.GetSideEffects(callee, depth))
            {
                if (IsAtomicInRegion(path.Effect, null, mask, regions, configured)
                    || (path.OnlyWithoutAmbientTransaction && regions.AllSitesAre(mask, TransactionSiteKind.Scope)))
                {
                    continue;
                }

                if (reported is null)
                {
                    ReportOne(report, invocation, path.Effect, path.Chain, regions.FirstSite(mask));
                }
                else if (!reported.TryGetValue(path.Effect.Category, out var known) || path.Chain.Length < known.Chain.Length)
                {
                    reported[path.Effect.Category] = path;
                }
            }
        }

        if (reported is not null)
        {
            foreach (var path in reported.Values.OrderBy(p => p.Effect.Category))
            {
                ReportOne(report, invocation, path.Effect, path.Chain, regions.FirstSite(mask));
            }
        }
    }

    /// <summary>
    /// For a call of <c>SaveChanges</c>/<c>SaveChangesAsync</c> on an EF Core context: the source overrides that run, i.e. the
    /// called method itself when it is a source override, else every source override of a save overload of that name in
    /// the receiver's type and its source base types.
    /// </summary>
    private static IReadOnlyList<IMethodSymbol> SaveChangesOverrides(IMethodSymbol target, ITypeSymbol? receiverType, TransactionSymbols symbols)
    {
        if (target.Name is not ("SaveChanges" or "SaveChangesAsync") || !symbols.IsDbContext(receiverType))
        {
            return Array.Empty<IMethodSymbol>();
        }

        if (SideEffectCatalog.IsInSource(target))
        {
            return new[] { target };
        }

        var overrides = new List<IMethodSymbol>();
        for (var type = receiverType as INamedTypeSymbol; type is not null && type.Locations.Any(l => l.IsInSource); type = type.BaseType)
        {
            foreach (var member in type.GetMembers(target.Name))
            {
                if (member is IMethodSymbol { IsOverride: true } method && SideEffectCatalog.IsInSource(method))
                {
                    overrides.Add(method);
                }
            }
        }

        return overrides;
    }

    /// <summary>
    /// Azure Service Bus sends enlist in an ambient TransactionScope of their own, and Hangfire storages
    /// that enlist (jobsafety.hangfire_storage_enlists) commit with it: atomic when every open
    /// transaction is a TransactionScope.
    /// </summary>
    private static bool IsAtomicInRegion(SideEffect effect, IMethodSymbol? target, ulong mask, RegionAnalysis regions, JobSafetyCompilationContext.Configured configured)
    {
        // CAP: every publish on the scoped publisher handed to BeginTransaction(capPublisher) joins that
        // transaction, whichever variable (or callee) it is made through.
        if (effect.CatalogType == "DotNetCore.CAP.ICapPublisher" && regions.AllSitesEnlist(mask, effect.CatalogType))
        {
            return true;
        }

        // MassTransit's bus outbox: publishes and sends through the scoped endpoints are stored with the transaction and
        // delivered after the commit; the bus itself (IBus) bypasses the outbox. A consumer's ConsumeContext is not captured by
        // the bus outbox but by a consumer outbox (in-memory or transactional), which holds its messages until the consumer
        // has completed, after its own transaction.
        if (effect.CatalogType is "MassTransit.IPublishEndpoint" or "MassTransit.ISendEndpoint" or "MassTransit.ISendEndpointProvider"
            && !effect.ThroughBus
            && (effect.OnConsumeContext ? configured.BusOutbox.ConsumerOutboxConfigured : configured.BusOutbox.IsConfigured))
        {
            return true;
        }

        if (!regions.AllSitesAre(mask, TransactionSiteKind.Scope))
        {
            return false;
        }

        var library = effect.CatalogType;
        if (library == "Azure.Messaging.ServiceBus.ServiceBusSender")
        {
            return true;
        }

        // Hangfire jobs are written to its storage: atomic with an ambient TransactionScope when the storage enlists.
        return configured.Options.HangfireStorageEnlists && effect.Category == SideEffectCategory.Enqueue
            && library is "Hangfire.BackgroundJob" or "Hangfire.IBackgroundJobClient";
    }

    /// <summary>
    /// MassTransit's transactional buses (<c>MassTransit.Transactions.ITransactionalBus</c>, <c>TransactionalEnlistmentBus</c>,
    /// <c>TransactionOutbox</c>) enlist in the ambient transaction and release their sends and publishes when it commits.
    /// </summary>
    private static bool EnlistsInAmbientTransaction(ITypeSymbol? receiverType)
    {
        if (receiverType is null)
        {
            return false;
        }

        if (IsMassTransitTransactions(receiverType))
        {
            return true;
        }

        for (var type = receiverType.BaseType; type is not null; type = type.BaseType)
        {
            if (IsMassTransitTransactions(type))
            {
                return true;
            }
        }

        foreach (var implemented in receiverType.AllInterfaces)
        {
            if (IsMassTransitTransactions(implemented))
            {
                return true;
            }
        }

        return false;

        static bool IsMassTransitTransactions(ITypeSymbol type) =>
            type.ContainingNamespace is { Name: "Transactions", ContainingNamespace: { Name: "MassTransit", ContainingNamespace.IsGlobalNamespace: true } }
            && !type.Locations.Any(l => l.IsInSource);
    }

    private static void ReportOne(Action<Diagnostic> report, IInvocationOperation invocation, SideEffect effect, ImmutableArray<string> chain, TransactionSite site)
    {
        var subject = chain.IsDefaultOrEmpty
            ? $"'{effect.DisplayName}'"
            : string.Join(" → ", ShortenChain(chain).Select(c => $"'{c}'"));
        var message = $"{subject} {effect.Verb} while {site.Description} is still open: {SideEffectCategoryNames.Consequence(effect.Category)}. Defer it with AfterCommit or {site.MoveHint}.";
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(SiteKindProperty, site.Kind.ToString())
            .Add(CategoryProperty, effect.Category.ToString())
            .Add(ThroughCallProperty, chain.IsDefaultOrEmpty ? "false" : "true");

        var additional = site.Syntax.SyntaxTree == invocation.Syntax.SyntaxTree ? new[] { site.Location } : Array.Empty<Location>();
        report(Diagnostic.Create(
            DiagnosticDescriptors.ForCategory(effect.Category),
            invocation.Syntax.GetLocation(),
            additional,
            properties,
            message));
    }

    /// <summary>
    /// 'CommentService.Create' → 'NotifyAuthor' → 'BackgroundJob.Enqueue': a source method of the same type
    /// as the one before it is named without its type. The last element, the library call, keeps its type.
    /// </summary>
    private static IEnumerable<string> ShortenChain(ImmutableArray<string> chain)
    {
        for (var i = 0; i < chain.Length; i++)
        {
            var name = chain[i];
            if (i > 0 && i < chain.Length - 1)
            {
                var dot = name.LastIndexOf('.');
                var previous = chain[i - 1];
                var previousDot = previous.LastIndexOf('.');
                var previousType = previousDot < 0 ? null : previous.Substring(0, previousDot);
                if (dot > 0 && previousType is not null && string.Equals(name.Substring(0, dot), previousType, StringComparison.Ordinal))
                {
                    name = name.Substring(dot + 1);
                }
            }

            yield return name;
        }
    }

    /// <summary>The cheap test run on every call and creation: could this method body contain a region?</summary>
    private sealed class StartProbe
    {
        private readonly TransactionSymbols _symbols;
        private readonly JobSafetyCompilationContext.Configured _configured;

        public StartProbe(TransactionSymbols symbols, JobSafetyCompilationContext.Configured configured)
        {
            _symbols = symbols;
            _configured = configured;
        }

        public bool MayOpenRegion(IOperation operation)
        {
            switch (operation)
            {
                case IObjectCreationOperation creation:
                    return _symbols.IsTransactionScope(creation.Type)
                        || (creation.Constructor is { } constructor && _configured.Summaries.GetTransactionEffect(constructor).Begins is not null);
                case IPropertyReferenceOperation property:
                    // `using var scope = Helper.NewScope;`: a source getter handing out a TransactionScope.
                    return _symbols.IsTransactionScope(property.Type);
                case IAnonymousFunctionOperation lambda:
                    foreach (var parameter in lambda.Symbol.Parameters)
                    {
                        if (_symbols.IsTransactionType(parameter.Type))
                        {
                            return true;
                        }
                    }

                    return false;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if ((method.Name.StartsWith("Begin", StringComparison.Ordinal) || method.Name.StartsWith("UseTransaction", StringComparison.Ordinal))
                        && _symbols.IsTransactionType(_symbols.ResultType(method.ReturnType)))
                    {
                        return true;
                    }

                    if (_symbols.IsTransactionScope(invocation.Type)
                        || (method.Name == "StartTransaction" && _symbols.IsMongoSession(Summaries.MethodSummaries.ReceiverType(invocation)))
                        || _symbols.IsAbpTransactionalBegin(invocation))
                    {
                        return true;
                    }

                    // _unitOfWork.BeginTransactionAsync(): a source method that leaves a transaction open.
                    if (method.MethodKind == MethodKind.Ordinary && _configured.Summaries.GetTransactionEffect(method).Begins is not null)
                    {
                        return true;
                    }

                    foreach (var argument in invocation.Arguments)
                    {
                        var value = argument.Value;
                        while (value is IConversionOperation or IDelegateCreationOperation)
                        {
                            value = value is IConversionOperation c ? c.Operand : ((IDelegateCreationOperation)value).Target;
                        }

                        if (value is IAnonymousFunctionOperation or IMethodReferenceOperation
                            && _configured.Summaries.Classify(invocation, method, argument.Parameter) == DelegateDisposition.RunsInTransaction)
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }
    }
}
