using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using JobSafety.Analyzers.SideEffects;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// The transaction region model: a may-analysis over the control-flow graph of one method body (and
/// of the lambdas and local functions in it) that finds, for every call, which transactions may be
/// open on some path reaching it. A transaction is open from its start (TransactionScope creation,
/// BeginTransaction, a transaction parameter, a transaction method's delegate) until Commit, Rollback
/// or Dispose of the variable that holds it (Dispose only, for a TransactionScope).
/// Knows nothing about side effects: callers ask it for <see cref="Hits"/> and classify them.
/// </summary>
internal sealed class RegionAnalysis
{
    private const int MaxSites = 64;
    private const int MaxBlocks = 4000;

    private readonly TransactionSymbols _symbols;
    private readonly IDelegateOracle _oracle;
    private readonly CancellationToken _cancellationToken;
    private readonly List<TransactionSite> _sites = new();
    private readonly Dictionary<IOperation, int> _siteByOperation = new();

    // variable (ISymbol or CaptureId) -> the sites it may hold
    private readonly Dictionary<object, ulong> _bound = new();

    // Transactions stored on another object that outlives the method (`_session.Transaction = conn.BeginTransaction()`).
    private ulong _storedOnHeldObject;

    // Fields and properties the graph captured before assigning them (`_tx ??= ...` assigns to the capture).
    private readonly Dictionary<CaptureId, IOperation> _capturedMembers = new();

    // variable -> sites whose connection / attached object it is (the connection a transaction was begun on,
    // the CAP publisher handed to BeginTransaction) or that it was configured with (options.UseTransaction(tx))
    private readonly Dictionary<object, ulong> _attached = new();
    private readonly Dictionary<IOperation, ulong> _hits = new();

    // db.Database.UseTransaction(tx) with a transaction already open here: the sites it joins (it opens none)
    private readonly Dictionary<IOperation, ulong> _joined = new();
    private int _bindingPass;

    // an object whose transaction was handed to UseTransaction (wrapper.Transaction): its Commit/Rollback/Dispose end it
    private readonly Dictionary<object, ulong> _owners = new();

    // variables known to hold an object that is no transaction we track (a Suppress scope)
    private readonly HashSet<object> _holdsNoTransaction = new();

    // locals (and flow captures of them) that hold a lambda: it runs where the local is invoked
    private readonly Dictionary<object, List<IMethodSymbol>> _delegateLocals = new();
    private ControlFlowGraph? _rootGraph;
    private readonly Dictionary<IOperation, ulong> _delegateEnds = new();
    private readonly Dictionary<IMethodSymbol, ulong> _localFunctionEnds = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, ulong> _localFunctionCalls = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, ulong> _localFunctionAnalysed = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, ControlFlowGraph> _localFunctionGraphs = new(SymbolEqualityComparer.Default);
    private readonly Queue<(ControlFlowGraph Graph, ulong Inherited, IMethodSymbol? Owner)> _jobs = new();

    private RegionAnalysis(TransactionSymbols symbols, IDelegateOracle oracle, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _oracle = oracle;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Calls (invocations) that run while at least one transaction may be open, with the open sites.</summary>
    public IReadOnlyDictionary<IOperation, ulong> Hits => _hits;

    public IReadOnlyList<TransactionSite> Sites => _sites;

    /// <summary>The sites that may still be open when the analysed method returns normally.</summary>
    public ulong OpenAtExit { get; private set; }

    public static RegionAnalysis Run(ControlFlowGraph graph, IMethodSymbol? owner, TransactionSymbols symbols, IDelegateOracle oracle, CancellationToken cancellationToken)
    {
        var analysis = new RegionAnalysis(symbols, oracle, cancellationToken);
        analysis._rootGraph = graph;
        analysis._jobs.Enqueue((graph, 0UL, owner));
        analysis.Drain();

        // Local functions run where they are called: their entry state is the union of their call sites.
        for (var round = 0; round < 4; round++)
        {
            var changed = false;
            foreach (var pair in new List<KeyValuePair<IMethodSymbol, ulong>>(analysis._localFunctionCalls))
            {
                analysis._localFunctionAnalysed.TryGetValue(pair.Key, out var done);
                if ((done | pair.Value) == done && analysis._localFunctionAnalysed.ContainsKey(pair.Key))
                {
                    continue;
                }

                analysis._localFunctionAnalysed[pair.Key] = done | pair.Value;
                if (analysis._localFunctionGraphs.TryGetValue(pair.Key, out var lfGraph))
                {
                    analysis._jobs.Enqueue((lfGraph, done | pair.Value, pair.Key));
                    changed = true;
                }
            }

            analysis.Drain();
            if (!changed)
            {
                break;
            }
        }

        return analysis;
    }

    /// <summary>The first (outermost, earliest) open site in a mask.</summary>
    public TransactionSite FirstSite(ulong mask)
    {
        for (var i = 0; i < _sites.Count && i < MaxSites; i++)
        {
            if ((mask & Bit(i)) != 0)
            {
                return _sites[i];
            }
        }

        return _sites[0];
    }

    /// <summary>
    /// True when site i outlives the method in something other than a local: a field or property
    /// (a unit of work's _transaction), EF Core's context (db.Database.BeginTransaction() is its current
    /// transaction), or an ambient TransactionScope. A transaction leaked in a local on an early return is not.
    /// </summary>
    public bool IsHeldBeyondMethod(int index)
    {
        if (index < 0 || index >= _sites.Count || index >= MaxSites)
        {
            return false;
        }

        if (_sites[index].Kind == TransactionSiteKind.Scope)
        {
            return true;
        }

        var bit = Bit(index);
        if ((_storedOnHeldObject & bit) != 0)
        {
            return true;
        }

        foreach (var pair in _bound)
        {
            if ((pair.Value & bit) != 0 && pair.Key is IFieldSymbol or IPropertySymbol)
            {
                return true;
            }
        }

        foreach (var pair in _siteByOperation)
        {
            if (pair.Value == index && pair.Key is IInvocationOperation start && _symbols.DatabaseFacade is not null
                && SymbolEqualityComparer.Default.Equals(Receiver(start)?.Type, _symbols.DatabaseFacade))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the site is a unit of work created here (<c>new Work(cs)</c>, whose constructor begins the transaction it
    /// keeps) of the given type or one implementing it: a factory returning it leaves the transaction open for its caller.
    /// </summary>
    public bool IsCreatedHolderOf(int index, ITypeSymbol? resultType)
    {
        if (resultType is not INamedTypeSymbol wanted || index < 0 || index >= _sites.Count || index >= MaxSites)
        {
            return false;
        }

        foreach (var pair in _siteByOperation)
        {
            if (pair.Value != index || pair.Key is not IObjectCreationOperation { Type: INamedTypeSymbol created } || _symbols.IsTransactionScope(created))
            {
                continue;
            }

            for (var type = created; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, wanted))
                {
                    return true;
                }
            }

            foreach (var implemented in created.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented, wanted))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when every open site in the mask was begun with the given library's object handed to it.</summary>
    public bool AllSitesEnlist(ulong mask, string? library)
    {
        if (library is null || mask == 0)
        {
            return false;
        }

        for (var i = 0; i < _sites.Count && i < MaxSites; i++)
        {
            if ((mask & Bit(i)) != 0 && _sites[i].EnlistedLibrary != library)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every open site in the mask is of the given kind.</summary>
    public bool AllSitesAre(ulong mask, TransactionSiteKind kind)
    {
        for (var i = 0; i < _sites.Count && i < MaxSites; i++)
        {
            if ((mask & Bit(i)) != 0 && _sites[i].Kind != kind)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the call is handed one of the open transactions, or the connection it was begun on, or
    /// an object configured with them: then it takes part in the transaction (an outbox, CAP inside
    /// BeginTransaction(publisher), NServiceBus' UseCustomSqlTransaction) and is atomic with it.
    /// </summary>
    public bool IsHandedTransaction(IOperation call, ulong mask)
    {
        IOperation? instance = null;
        ImmutableArray<IArgumentOperation> arguments = ImmutableArray<IArgumentOperation>.Empty;
        switch (call)
        {
            case IInvocationOperation invocation:
                instance = invocation.Instance;
                arguments = invocation.Arguments;
                break;
            case IObjectCreationOperation creation:
                arguments = creation.Arguments;
                break;
        }

        if (instance is not null && Refers(instance, mask))
        {
            return true;
        }

        foreach (var argument in arguments)
        {
            var value = Unwrap(argument.Value);
            if (value is IDelegateCreationOperation or IAnonymousFunctionOperation)
            {
                continue;
            }

            if (_symbols.IsTransactionType(value.Type) && value is not ILiteralOperation)
            {
                return true;
            }

            if (Refers(value, mask))
            {
                return true;
            }
        }

        return false;
    }

    private bool Refers(IOperation operation, ulong mask)
    {
        var key = KeyOf(operation);
        if (key is null)
        {
            return false;
        }

        return (_bound.TryGetValue(key, out var bits) && (bits & mask) != 0)
            || (_attached.TryGetValue(key, out var attached) && (attached & mask) != 0);
    }

    private void Drain()
    {
        while (_jobs.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var job = _jobs.Dequeue();
            AnalyseGraph(job.Graph, job.Inherited, job.Owner);
        }
    }

    private void AnalyseGraph(ControlFlowGraph graph, ulong inherited, IMethodSymbol? owner)
    {
        var blocks = graph.Blocks;
        if (blocks.Length > MaxBlocks)
        {
            return;
        }

        foreach (var localFunction in graph.LocalFunctions)
        {
            if (!_localFunctionGraphs.ContainsKey(localFunction))
            {
                _localFunctionGraphs[localFunction] = graph.GetLocalFunctionControlFlowGraph(localFunction, _cancellationToken);
            }
        }

        var entry = inherited;
        if (owner is not null)
        {
            foreach (var parameter in owner.Parameters)
            {
                if (IsTransactionParameter(parameter))
                {
                    var index = AddSite(TransactionSiteKind.Parameter, parameter.DeclaringSyntaxReferences.Length > 0 ? parameter.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) : graph.OriginalOperation.Syntax, null, parameter);
                    Bind(parameter, Bit(index));
                    entry |= Bit(index);
                }
            }

            // The receiver of a C# 14 extension block member is a parameter too.
            if (CodeBlocks.ExtensionReceiver(owner, graph.OriginalOperation.SemanticModel, _cancellationToken) is { } receiver && IsTransactionParameter(receiver))
            {
                var index = AddSite(TransactionSiteKind.Parameter, receiver.DeclaringSyntaxReferences.Length > 0 ? receiver.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) : graph.OriginalOperation.Syntax, null, receiver);
                Bind(receiver, Bit(index));
                entry |= Bit(index);
            }
        }

        // Pre-pass: sites and what each variable may hold. Twice, so copies made before the
        // binding they copy (in block order) are seen; UseTransaction is judged in the second pass,
        // once it is known whether the transaction it is handed is one already open here.
        for (var pass = 0; pass < 2; pass++)
        {
            _bindingPass = pass;
            foreach (var block in blocks)
            {
                foreach (var operation in block.Operations)
                {
                    Bind(operation);
                }

                if (block.BranchValue is not null)
                {
                    Bind(block.BranchValue);
                }
            }
        }

        if (entry == 0 && !HasSiteIn(graph))
        {
            // Nothing can be open anywhere in this graph; still look at nested lambdas and local
            // function calls, which may open their own regions.
            entry = 0;
        }

        // Fixpoint.
        var inStates = new ulong[blocks.Length];
        var reached = new bool[blocks.Length];
        var tryUnion = new Dictionary<ControlFlowRegion, ulong>();
        var work = new Queue<int>();
        var queued = new bool[blocks.Length];
        inStates[0] = entry;
        reached[0] = true;
        work.Enqueue(0);
        queued[0] = true;

        // Handler regions have no explicit predecessors: they are entered from anywhere in their try.
        foreach (var block in blocks)
        {
            if (!reached[block.Ordinal] && IsHandlerEntry(block))
            {
                reached[block.Ordinal] = true;
                work.Enqueue(block.Ordinal);
                queued[block.Ordinal] = true;
            }
        }

        var iterations = 0;
        while (work.Count > 0)
        {
            if (++iterations > blocks.Length * 20 + 100)
            {
                break;
            }

            var ordinal = work.Dequeue();
            queued[ordinal] = false;
            var block = blocks[ordinal];
            var state = inStates[ordinal];
            var union = state;
            foreach (var operation in block.Operations)
            {
                Walk(operation, ref state, ref union, graph, record: false);
            }

            if (block.BranchValue is not null)
            {
                Walk(block.BranchValue, ref state, ref union, graph, record: false);
            }

            // Exceptional flow: everything seen inside a try may reach its handlers. An exception that leaves a nested
            // try/finally (a `using` inside the try) runs that finally (the Dispose) before an outer handler sees it.
            var escaping = union;
            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                if (region.Kind == ControlFlowRegionKind.Finally)
                {
                    // Thrown inside the finally itself (the Dispose): what it ends does not reach an outer handler open.
                    escaping &= ~KillMask(region, graph);
                }

                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is null)
                {
                    continue;
                }

                var reaching = escaping;
                foreach (var sibling in region.EnclosingRegion.NestedRegions)
                {
                    if (sibling != region && sibling.Kind == ControlFlowRegionKind.Finally)
                    {
                        escaping &= ~KillMask(sibling, graph);
                    }
                }

                tryUnion.TryGetValue(region, out var previous);
                var merged = previous | reaching;
                if (merged == previous && tryUnion.ContainsKey(region))
                {
                    continue;
                }

                tryUnion[region] = merged;
                foreach (var sibling in region.EnclosingRegion.NestedRegions)
                {
                    if (sibling == region)
                    {
                        continue;
                    }

                    var handlerEntry = sibling.FirstBlockOrdinal;
                    Propagate(handlerEntry, merged, inStates, reached, work, queued);
                }
            }

            if (block.FallThroughSuccessor is not null)
            {
                Flow(block.FallThroughSuccessor, state & ~NullOnEdge(block, conditional: false), inStates, reached, work, queued, graph);
            }

            if (block.ConditionalSuccessor is not null)
            {
                Flow(block.ConditionalSuccessor, state & ~NullOnEdge(block, conditional: true), inStates, reached, work, queued, graph);
            }
        }

        if (graph == _rootGraph && blocks.Length > 0 && reached[blocks.Length - 1])
        {
            OpenAtExit |= inStates[blocks.Length - 1];
        }

        // Final pass: record the state at every call, and hand nested lambdas their entry state.
        foreach (var block in blocks)
        {
            if (!reached[block.Ordinal])
            {
                continue;
            }

            var state = inStates[block.Ordinal];
            var union = state;
            foreach (var operation in block.Operations)
            {
                Walk(operation, ref state, ref union, graph, record: true);
            }

            if (block.BranchValue is not null)
            {
                if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return && ReturnedLambda(block.BranchValue) is { } returned)
                {
                    // `return () => ...`: handed back to the caller, not run here (its own regions are still analysed).
                    HandleDelegate(returned, returned.Symbol, 0, graph);
                }
                else
                {
                    Walk(block.BranchValue, ref state, ref union, graph, record: true);
                }
            }
        }
    }

    private bool HasSiteIn(ControlFlowGraph graph) => _sites.Count > 0;

    /// <summary>
    /// The sites that cannot be open on one edge of a null test: on the branch where <c>tx</c> is null
    /// (<c>tx?.Commit()</c>, <c>if (tx != null) tx.Commit();</c>, <c>tx is null</c>) the variable holds no transaction.
    /// </summary>
    private ulong NullOnEdge(BasicBlock block, bool conditional)
    {
        if (block.BranchValue is null || block.ConditionKind == ControlFlowConditionKind.None)
        {
            return 0;
        }

        var valueIsTrue = conditional ? block.ConditionKind == ControlFlowConditionKind.WhenTrue : block.ConditionKind == ControlFlowConditionKind.WhenFalse;
        if (!TryNullTest(block.BranchValue, out var operand, out var trueMeansNull) || valueIsTrue != trueMeansNull)
        {
            return 0;
        }

        return KeyOf(operand) is { } key && _bound.TryGetValue(key, out var bits) ? bits : 0;
    }

    private static bool TryNullTest(IOperation test, out IOperation operand, out bool trueMeansNull)
    {
        test = Unwrap(test);
        switch (test)
        {
            case IIsNullOperation isNull:
                operand = isNull.Operand;
                trueMeansNull = true;
                return true;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not when TryNullTest(not.Operand, out operand, out var inner):
                trueMeansNull = !inner;
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                if (IsNullConstant(binary.RightOperand))
                {
                    operand = binary.LeftOperand;
                    trueMeansNull = equals;
                    return true;
                }

                if (IsNullConstant(binary.LeftOperand))
                {
                    operand = binary.RightOperand;
                    trueMeansNull = equals;
                    return true;
                }

                break;
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern when IsNullConstant(constant.Value):
                operand = pattern.Value;
                trueMeansNull = true;
                return true;
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern when IsNullConstant(constant.Value):
                operand = pattern.Value;
                trueMeansNull = false;
                return true;
        }

        operand = test;
        trueMeansNull = false;
        return false;
    }

    private static bool IsNullConstant(IOperation operation) =>
        Unwrap(operation).ConstantValue is { HasValue: true, Value: null };

    private static bool IsHandlerEntry(BasicBlock block)
    {
        var region = block.EnclosingRegion;
        while (region is not null && region.FirstBlockOrdinal == block.Ordinal)
        {
            if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.Finally or ControlFlowRegionKind.Filter or ControlFlowRegionKind.FilterAndHandler)
            {
                return true;
            }

            region = region.EnclosingRegion;
        }

        return false;
    }

    private void Flow(ControlFlowBranch branch, ulong state, ulong[] inStates, bool[] reached, Queue<int> work, bool[] queued, ControlFlowGraph graph)
    {
        if (branch.Destination is null)
        {
            return;
        }

        if (!branch.FinallyRegions.IsEmpty)
        {
            foreach (var finallyRegion in branch.FinallyRegions)
            {
                state &= ~KillMask(finallyRegion, graph);
            }
        }

        Propagate(branch.Destination.Ordinal, state, inStates, reached, work, queued);
    }

    private static void Propagate(int ordinal, ulong state, ulong[] inStates, bool[] reached, Queue<int> work, bool[] queued)
    {
        if (ordinal < 0 || ordinal >= inStates.Length)
        {
            return;
        }

        var merged = inStates[ordinal] | state;
        if (reached[ordinal] && merged == inStates[ordinal])
        {
            return;
        }

        inStates[ordinal] = merged;
        reached[ordinal] = true;
        if (!queued[ordinal])
        {
            queued[ordinal] = true;
            work.Enqueue(ordinal);
        }
    }

    private readonly Dictionary<ControlFlowRegion, ulong> _killMasks = new();

    /// <summary>What a finally region (a using statement's Dispose) ends, applied to every branch leaving through it.</summary>
    private ulong KillMask(ControlFlowRegion region, ControlFlowGraph graph)
    {
        if (_killMasks.TryGetValue(region, out var mask))
        {
            return mask;
        }

        mask = 0;
        for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal; i++)
        {
            var block = graph.Blocks[i];
            foreach (var operation in block.Operations)
            {
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    if (descendant is IInvocationOperation invocation)
                    {
                        mask |= EndMask(invocation);
                    }
                }
            }
        }

        _killMasks[region] = mask;
        return mask;
    }

    // ---- the transfer function ----

    private void Walk(IOperation operation, ref ulong state, ref ulong union, ControlFlowGraph graph, bool record)
    {
        switch (operation)
        {
            case IFlowAnonymousFunctionOperation lambda:
                if (record)
                {
                    HandleDelegate(lambda, lambda.Symbol, state, graph);
                }

                return;
            case IAnonymousFunctionOperation:
                return;
            case IConversionOperation conversion when _symbols.IsExpressionTree(conversion.Type):
                // An expression tree (Hangfire's Enqueue(() => ...)) never runs here.
                return;
            case IArgumentOperation { Parameter: { } parameter } when _symbols.IsExpressionTree(parameter.Type):
                return;
        }

        foreach (var child in operation.ChildOperations)
        {
            Walk(child, ref state, ref union, graph, record);
        }

        // What an exception can carry to a handler: the state before each call or construction (after its arguments), not
        // after it: a call that throws has not opened its transaction (`using var tx = await uow.BeginAsync();` inside a try
        // whose catch runs after the using's Dispose).
        if (operation is IInvocationOperation or IObjectCreationOperation)
        {
            union |= state;
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                if (record)
                {
                    if (state != 0)
                    {
                        _hits.TryGetValue(invocation, out var existing);
                        _hits[invocation] = existing | state;
                    }

                    if (invocation.TargetMethod.MethodKind == MethodKind.LocalFunction)
                    {
                        AddLocalFunctionCall(invocation.TargetMethod, state);
                    }

                    if (_delegateLocals.Count > 0)
                    {
                        HandleDelegateLocals(invocation, state);
                    }
                }

                state &= ~EndMask(invocation);
                if (_sites.Count > 0 && !invocation.Arguments.IsEmpty)
                {
                    state &= ~DelegateArgumentEnds(invocation, graph);
                }

                if (_sites.Count > 0 && invocation.TargetMethod.MethodKind == MethodKind.LocalFunction)
                {
                    state &= ~LocalFunctionEnds(invocation.TargetMethod);
                }

                break;
            case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference when record:
                HandleDelegate(reference, reference.Method, state, graph);
                break;
        }

        if (_siteByOperation.TryGetValue(operation, out var site))
        {
            state |= Bit(site);
        }
    }

    /// <summary>
    /// A lambda kept in a local runs where the local is invoked (<c>notify()</c>), or where the call it is
    /// handed to runs it (deferred, inside the callee's transaction, or where the call is made).
    /// </summary>
    private void HandleDelegateLocals(IInvocationOperation invocation, ulong state)
    {
        if (invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke
            && KeyOf(invocation.Instance) is { } invoked
            && _delegateLocals.TryGetValue(invoked, out var lambdas))
        {
            foreach (var lambda in lambdas)
            {
                AddLocalFunctionCall(lambda, state);
            }
        }

        foreach (var argument in invocation.Arguments)
        {
            if (KeyOf(argument.Value) is not { } key || !_delegateLocals.TryGetValue(key, out var passed))
            {
                continue;
            }

            var disposition = _oracle.Classify(invocation, invocation.TargetMethod, argument.Parameter);
            if (disposition == DelegateDisposition.Deferred)
            {
                continue;
            }

            var inherited = disposition == DelegateDisposition.RunsInTransaction
                ? state | Bit(AddSite(TransactionSiteKind.TransactionMethod, invocation.Syntax, invocation, null))
                : state;
            foreach (var lambda in passed)
            {
                AddLocalFunctionCall(lambda, inherited);
            }
        }
    }

    /// <summary>
    /// A lambda that runs during the call and commits (rolls back, disposes) a transaction of this method
    /// ends it for the code after the call: <c>await strategy.ExecuteAsync(async () => { ...; await tx.CommitAsync(); });</c>.
    /// Only transactions this method holds in its own variables count; a lambda's own transaction is its business.
    /// </summary>
    private ulong DelegateArgumentEnds(IInvocationOperation invocation, ControlFlowGraph graph)
    {
        if (_delegateEnds.TryGetValue(invocation, out var cached))
        {
            return cached;
        }

        ulong mask = 0;
        foreach (var argument in invocation.Arguments)
        {
            var value = argument.Value;
            while (value is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                value = value switch
                {
                    IDelegateCreationOperation creation => creation.Target,
                    IConversionOperation conversion => conversion.Operand,
                    _ => ((IParenthesizedOperation)value).Operand,
                };
            }

            if (value is not IFlowAnonymousFunctionOperation lambda
                || _oracle.Classify(invocation, invocation.TargetMethod, argument.Parameter) == DelegateDisposition.Deferred)
            {
                continue;
            }

            mask |= EndsIn(graph.GetAnonymousFunctionControlFlowGraphInScope(lambda, _cancellationToken));
        }

        _delegateEnds[invocation] = mask;
        return mask;
    }

    /// <summary>
    /// A local function that commits (rolls back, disposes) a transaction of this method it captures ends it for the code
    /// after its call: <c>await CommitAsync(); await bus.Publish(...); async Task CommitAsync() { await tx.CommitAsync(); }</c>.
    /// </summary>
    private ulong LocalFunctionEnds(IMethodSymbol localFunction)
    {
        var key = localFunction.OriginalDefinition;
        if (_localFunctionEnds.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var mask = _localFunctionGraphs.TryGetValue(key, out var graph) ? EndsIn(graph) : 0UL;
        _localFunctionEnds[key] = mask;
        return mask;
    }

    /// <summary>The transactions of this method that a nested graph (a lambda's, a local function's) commits, rolls back or disposes.</summary>
    private ulong EndsIn(ControlFlowGraph graph)
    {
        ulong mask = 0;
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation { TargetMethod.Name: "Commit" or "CommitAsync" or "Rollback" or "RollbackAsync" or "Dispose" or "DisposeAsync" } end
                        && KeyOf(Receiver(end)) is { } key
                        && _bound.TryGetValue(key, out var bits))
                    {
                        mask |= bits;
                    }
                }
            }
        }

        return mask;
    }

    private void AddLocalFunctionCall(IMethodSymbol localFunction, ulong state)
    {
        var key = localFunction.OriginalDefinition;
        _localFunctionCalls.TryGetValue(key, out var existing);
        _localFunctionCalls[key] = existing | state;
    }

    private void HandleDelegate(IOperation node, IMethodSymbol delegateMethod, ulong state, ControlFlowGraph graph)
    {
        var disposition = DelegateDisposition.RunsWhereInvoked;
        IOperation? call = null;
        var parent = node.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IArgumentOperation argument when argument.Parent is IInvocationOperation invocation:
                call = invocation;
                disposition = _oracle.Classify(invocation, invocation.TargetMethod, argument.Parameter);
                break;
            case IArgumentOperation argument when argument.Parent is IObjectCreationOperation { Constructor: { } constructor } creation:
                call = creation;
                disposition = _oracle.Classify(creation, constructor, argument.Parameter);
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } when node is IFlowAnonymousFunctionOperation stored
                && _delegateLocals.ContainsKey(local.Local):
                // Kept for later: analysed with the state where the local is invoked.
                if (!_localFunctionGraphs.ContainsKey(delegateMethod))
                {
                    _localFunctionGraphs[delegateMethod] = graph.GetAnonymousFunctionControlFlowGraphInScope(stored, _cancellationToken);
                }

                return;
            case IEventAssignmentOperation:
            case IReturnOperation:
                // Subscribed, or handed back to the caller (`return () => ...`): not run here.
                disposition = DelegateDisposition.Deferred;
                break;
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation }:
            case ICompoundAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation }:
                disposition = DelegateDisposition.Deferred;
                break;
        }

        var inherited = disposition switch
        {
            DelegateDisposition.Deferred => 0UL,
            DelegateDisposition.RunsInTransaction when call is not null =>
                state | Bit(AddSite(TransactionSiteKind.TransactionMethod, call.Syntax, call, null)),
            _ => state,
        };

        if (node is IFlowAnonymousFunctionOperation lambda)
        {
            var lambdaGraph = graph.GetAnonymousFunctionControlFlowGraphInScope(lambda, _cancellationToken);
            _jobs.Enqueue((lambdaGraph, inherited, delegateMethod));
        }
        else
        {
            AddLocalFunctionCall(delegateMethod, inherited);
        }
    }

    // ---- starts, ends and bindings ----

    private void Bind(IOperation root)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IObjectCreationOperation or IInvocationOperation when !_siteByOperation.ContainsKey(operation):
                    TryAddStart(operation);
                    break;
                case IPropertyReferenceOperation { Property.GetMethod: { } getter } property when !_siteByOperation.ContainsKey(operation)
                    && _symbols.IsTransactionScope(property.Type) && IsSource(getter)
                    && _oracle.GetTransactionEffect(getter).Begins is { } factoryKind:
                    // A source property whose getter hands out a new TransactionScope (`TxHelper.Scope => new(...)`):
                    // a factory like a method. A getter returning a scope kept in a field begins nothing.
                    _siteByOperation[property] = AddSite(factoryKind, property.Syntax, property, null);
                    break;
                case ISimpleAssignmentOperation assignment:
                    // `_tx ??= conn.BeginTransaction()`: the graph assigns to a capture of the field it tested.
                    var assigned = assignment.Target is IFlowCaptureReferenceOperation spilled && _capturedMembers.TryGetValue(spilled.Id, out var member)
                        ? member
                        : assignment.Target;
                    BindValue(KeyOf(assigned), assignment.Value);
                    if (KeyOf(assigned) is null && IsMemberOfHeldObject(assigned))
                    {
                        _storedOnHeldObject |= ValueBits(assignment.Value);
                    }

                    if (assignment.Target is ILocalReferenceOperation { Local: { } local } && StoredLambda(assignment.Value) is { } lambda)
                    {
                        AddDelegateLocal(local, lambda);
                    }

                    break;
                case IFlowCaptureOperation capture:
                    BindValue(capture.Id, capture.Value);
                    if (capture.Value is IFieldReferenceOperation or IPropertyReferenceOperation)
                    {
                        _capturedMembers[capture.Id] = capture.Value;
                    }

                    if (KeyOf(capture.Value) is { } source && _delegateLocals.TryGetValue(source, out var captured))
                    {
                        foreach (var capturedLambda in captured.ToArray())
                        {
                            AddDelegateLocal(capture.Id, capturedLambda);
                        }
                    }

                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                    BindValue(declarator.Symbol, initializer.Value);
                    break;
            }

            // An object configured with a transaction (options.UseCustomSqlTransaction(tx), new Outbox(tx))
            // is attached to it.
            // Extension methods (options.UseCustomSqlTransaction(tx)) configure their first argument.
            if (operation is IInvocationOperation configure && !_siteByOperation.ContainsKey(operation)
                && Receiver(configure) is { } instance)
            {
                var arguments = configure.Instance is null ? configure.Arguments.RemoveAt(0) : configure.Arguments;
                var bits = ConfigurationBits(arguments);
                if (bits != 0 && KeyOf(instance) is { } key)
                {
                    Attach(key, bits);
                }
            }
        }
    }

    /// <summary>
    /// A call configures its receiver with a transaction (options.UseCustomSqlTransaction(tx), cmd.Enlist(tx))
    /// when the transaction or connection is all it is given, or an object built from them (an outbox enlisted with
    /// an envelope made from the transaction: <c>context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction(db, tx))</c>,
    /// directly or through a local). A call that also carries a payload (outbox.Enqueue(message, tx)) uses the
    /// transaction for that one call and leaves the receiver as it was. Returns the transactions configured, or 0.
    /// </summary>
    private ulong ConfigurationBits(ImmutableArray<IArgumentOperation> arguments)
    {
        ulong bits = 0;
        var any = false;
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            var value = Unwrap(argument.Value);
            if (IsTransactionCarrier(value.Type))
            {
                bits |= ArgumentBits(ImmutableArray.Create(argument));
            }
            else if (BuiltFromTransaction(value) is var built and not 0)
            {
                bits |= built;
            }
            else
            {
                return 0;
            }

            any = true;
        }

        return any ? bits : 0;
    }

    /// <summary>
    /// The transactions an object was built from: a <c>new</c> whose arguments carry them (not itself a transaction
    /// start), or a local holding such an object.
    /// </summary>
    private ulong BuiltFromTransaction(IOperation value)
    {
        if (value is IObjectCreationOperation creation)
        {
            return _siteByOperation.ContainsKey(creation) ? 0 : ArgumentBits(creation.Arguments);
        }

        return value is ILocalReferenceOperation && KeyOf(value) is { } key && _attached.TryGetValue(key, out var attached) ? attached : 0;
    }

    private bool IsTransactionCarrier(ITypeSymbol? type) =>
        type is not null && (_symbols.IsTransactionType(type) || _symbols.IsTransactionScope(type) || _symbols.IsConnectionType(type) || _symbols.IsDbContext(type));

    /// <summary>The object a call is made on: its instance, or the <c>this</c> argument of an extension method.</summary>
    private static IOperation? Receiver(IInvocationOperation invocation) =>
        invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    private static IFlowAnonymousFunctionOperation? ReturnedLambda(IOperation value)
    {
        while (value is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            value = value switch
            {
                IDelegateCreationOperation creation => creation.Target,
                IConversionOperation conversion => conversion.Operand,
                _ => ((IParenthesizedOperation)value).Operand,
            };
        }

        return value as IFlowAnonymousFunctionOperation;
    }

    private static IMethodSymbol? StoredLambda(IOperation value)
    {
        while (value is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            value = value switch
            {
                IDelegateCreationOperation creation => creation.Target,
                IConversionOperation conversion => conversion.Operand,
                _ => ((IParenthesizedOperation)value).Operand,
            };
        }

        return value is IFlowAnonymousFunctionOperation lambda ? lambda.Symbol : null;
    }

    private void AddDelegateLocal(object key, IMethodSymbol lambda)
    {
        if (!_delegateLocals.TryGetValue(key, out var list))
        {
            list = new List<IMethodSymbol>();
            _delegateLocals[key] = list;
        }

        if (!list.Contains(lambda, SymbolEqualityComparer.Default))
        {
            list.Add(lambda);
        }
    }

    private ulong ArgumentBits(ImmutableArray<IArgumentOperation> arguments)
    {
        ulong bits = 0;
        foreach (var argument in arguments)
        {
            // Only the transaction itself, or what it was begun on (connection, DbContext), configures an
            // object: passing a configured object on (session.Send(msg, options)) does not attach the receiver.
            var value = Unwrap(argument.Value);
            if (!IsTransactionCarrier(value.Type))
            {
                continue;
            }

            if (KeyOf(value) is { } key)
            {
                if (_bound.TryGetValue(key, out var b))
                {
                    bits |= b;
                }

                if (_attached.TryGetValue(key, out var a))
                {
                    bits |= a;
                }
            }
        }

        return bits;
    }

    /// <summary>
    /// A field or property of an object the method was given or keeps (<c>_session.Transaction</c>, <c>context.Tx</c> with
    /// <c>context</c> a parameter): a value stored there is still reachable after the method returns.
    /// </summary>
    private static bool IsMemberOfHeldObject(IOperation target)
    {
        var instance = target switch
        {
            IFieldReferenceOperation { Field.IsStatic: false } field => field.Instance,
            IPropertyReferenceOperation { Property.IsStatic: false, Arguments.IsEmpty: true } property => property.Instance,
            _ => null,
        };

        while (instance is IFieldReferenceOperation or IPropertyReferenceOperation)
        {
            instance = instance is IFieldReferenceOperation field ? field.Instance : ((IPropertyReferenceOperation)instance).Instance;
            if (instance is null)
            {
                return true; // a static field's object
            }
        }

        return instance is IInstanceReferenceOperation or IParameterReferenceOperation;
    }

    private void BindValue(object? key, IOperation value)
    {
        if (key is null)
        {
            return;
        }

        var bits = ValueBits(value);
        if (bits != 0)
        {
            Bind(key, bits);
        }
        else if (UnwrapValue(value) is IObjectCreationOperation || (KeyOf(UnwrapValue(value)) is { } from && _holdsNoTransaction.Contains(from))
            || IsSuppressedFactoryCall(UnwrapValue(value)))
        {
            // 'using (var inner = new TransactionScope(Suppress))' (or a factory's Create(Suppress)): its Dispose ends nothing.
            _holdsNoTransaction.Add(key);
        }

        if (Unwrap(value) is IObjectCreationOperation creation && !_siteByOperation.ContainsKey(creation))
        {
            var attached = ArgumentBits(creation.Arguments);
            if (attached != 0)
            {
                Attach(key, attached);
            }
        }
        else if (KeyOf(Unwrap(value)) is { } source && _attached.TryGetValue(source, out var copied))
        {
            Attach(key, copied);
        }
    }

    private void Bind(object key, ulong bits)
    {
        _bound.TryGetValue(key, out var existing);
        _bound[key] = existing | bits;
    }

    private void Attach(object key, ulong bits)
    {
        _attached.TryGetValue(key, out var existing);
        _attached[key] = existing | bits;
    }

    private ulong ValueBits(IOperation value)
    {
        value = UnwrapValue(value);
        if (_siteByOperation.TryGetValue(value, out var site))
        {
            return Bit(site);
        }

        if (_joined.TryGetValue(value, out var joined))
        {
            return joined;
        }

        if (KeyOf(value) is { } key && _bound.TryGetValue(key, out var bits))
        {
            return bits;
        }

        if (value is ICoalesceOperation coalesce)
        {
            return ValueBits(coalesce.Value) | ValueBits(coalesce.WhenNull);
        }

        if (value is IConditionalOperation conditional)
        {
            return ValueBits(conditional.WhenTrue) | (conditional.WhenFalse is null ? 0 : ValueBits(conditional.WhenFalse));
        }

        return 0;
    }

    /// <summary>Looks through await, ConfigureAwait, conversions and parentheses to the value's producer.</summary>
    private static IOperation UnwrapValue(IOperation value)
    {
        while (true)
        {
            switch (value)
            {
                case IAwaitOperation await:
                    value = await.Operation;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance }:
                    value = instance;
                    continue;
                case IConversionOperation conversion:
                    value = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    value = parenthesized.Operand;
                    continue;
                default:
                    return value;
            }
        }
    }

    private static IOperation Unwrap(IOperation value)
    {
        while (true)
        {
            switch (value)
            {
                case IConversionOperation conversion:
                    value = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    value = parenthesized.Operand;
                    continue;
                default:
                    return value;
            }
        }
    }

    /// <summary>The variable an expression names: a local, parameter, flow capture, or a field/property of this (or static).</summary>
    internal static object? KeyOf(IOperation? operation)
    {
        if (operation is null)
        {
            return null;
        }

        operation = Unwrap(operation);
        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFlowCaptureReferenceOperation capture => capture.Id,
            IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field.OriginalDefinition,
            IPropertyReferenceOperation property when property.Arguments.IsEmpty && property.Instance is null or IInstanceReferenceOperation => property.Property.OriginalDefinition,
            _ => null,
        };
    }

    private void TryAddStart(IOperation operation)
    {
        switch (operation)
        {
            case IObjectCreationOperation creation when _symbols.IsTransactionScope(creation.Type):
                if (IsSuppress(creation))
                {
                    return;
                }

                var scope = AddSite(TransactionSiteKind.Scope, creation.Syntax, creation, null);
                _siteByOperation[creation] = scope;
                break;
            case IObjectCreationOperation { Constructor: { } constructor } unitOfWork when IsSource(constructor)
                && _oracle.GetTransactionEffect(constructor).Begins is { } begun:
                // new UnitOfWork(connection) whose constructor begins the transaction it holds.
                _siteByOperation[unitOfWork] = AddSite(begun, unitOfWork.Syntax, unitOfWork, null);
                InheritEnlistment(_siteByOperation[unitOfWork], _oracle.GetTransactionEffect(constructor));
                break;
            case IInvocationOperation abp when _symbols.IsAbpTransactionalBegin(abp):
                // ABP: using var uow = _unitOfWorkManager.Begin(isTransactional: true); ... await uow.CompleteAsync();
                _siteByOperation[abp] = AddSite(TransactionSiteKind.DbTransaction, abp.Syntax, abp, null);
                break;
            case IInvocationOperation { TargetMethod.Name: "StartTransaction" } start when _symbols.IsMongoSession(Receiver(start)?.Type):
                // MongoDB: session.StartTransaction(); the session holds the transaction until it commits or aborts.
                var started = AddSite(TransactionSiteKind.DbTransaction, start.Syntax, start, null);
                _siteByOperation[start] = started;
                if (KeyOf(Receiver(start)) is { } session)
                {
                    Bind(session, Bit(started));
                }

                break;
            case IInvocationOperation factory when _symbols.IsTransactionScope(factory.Type)
                && (!IsSource(factory.TargetMethod) || factory.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
                && !SuppressingScopeDelegates.IsSuppressing(factory):
                // A library factory or a delegate handing out a TransactionScope (a source factory is judged by its body below).
                _siteByOperation[factory] = AddSite(TransactionSiteKind.Scope, factory.Syntax, factory, null);
                break;
            case IInvocationOperation invocation when !IsBeginTransaction(invocation) && BeginsThroughCall(invocation) is { } kind:
                // _unitOfWork.BeginTransactionAsync(): the unit of work holds it; its Commit ends it.
                var held = AddSite(kind, invocation.Syntax, invocation, null);
                _siteByOperation[invocation] = held;
                InheritEnlistment(held, _oracle.GetTransactionEffect(invocation.TargetMethod));
                if (Receiver(invocation) is { } holder && KeyOf(holder) is { } holderKey)
                {
                    Attach(holderKey, Bit(held));
                }

                break;
            case IInvocationOperation invocation when IsBeginTransaction(invocation):
                var used = UsedTransaction(invocation);
                if (used is not null && _bindingPass == 0)
                {
                    break;
                }

                if (used is not null && ValueBits(used) is var joined && joined != 0)
                {
                    // db.Database.UseTransaction(tx) (or tx.GetDbTransaction()) with tx open here: EF joins that
                    // transaction, whose Commit/Rollback ends it; no second one is opened.
                    _joined[invocation] = joined;
                    break;
                }

                var index = AddSite(TransactionSiteKind.DbTransaction, invocation.Syntax, invocation, null);
                _siteByOperation[invocation] = index;
                if (used is IPropertyReferenceOperation { Instance: { } owner } && !_symbols.IsTransactionType(owner.Type) && KeyOf(owner) is { } ownerKey)
                {
                    // db.Database.UseTransaction(unit.Transaction): the wrapper that holds it commits or disposes it.
                    _owners.TryGetValue(ownerKey, out var owned);
                    _owners[ownerKey] = owned | Bit(index);
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (_symbols.IsCapPublisher(argument.Value.Type))
                    {
                        _sites[Math.Min(index, _sites.Count - 1)].EnlistedLibrary = "DotNetCore.CAP.ICapPublisher";
                    }
                }

                if (IsSource(invocation.TargetMethod) || invocation.TargetMethod.ContainingType?.Locations.Any(l => l.IsInSource) == true)
                {
                    // A source helper handing out the transaction it began with CAP's publisher
                    // (`IDbContextTransaction BeginTransaction(DbContext c) => c.Database.BeginTransaction(_cap)`).
                    InheritEnlistment(index, _oracle.GetTransactionEffect(invocation.TargetMethod));
                }

                // The connection (or DbContext, or session) it was begun on, and anything handed to it.
                var receiver = invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                while (receiver is IPropertyReferenceOperation { Instance: { } inner })
                {
                    if (KeyOf(receiver) is { } propertyKey)
                    {
                        Attach(propertyKey, Bit(index));
                    }

                    receiver = inner;
                }

                if (KeyOf(receiver) is { } connection)
                {
                    Attach(connection, Bit(index));
                }

                foreach (var argument in invocation.Arguments)
                {
                    // Objects handed to the begin call take part in the transaction (CAP's
                    // BeginTransaction(capPublisher)); values (a CancellationToken, an IsolationLevel,
                    // a string) are not objects that can.
                    if (argument.Value.Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String }
                        && argument.Value.Type.TypeKind != TypeKind.Delegate
                        && KeyOf(argument.Value) is { } handed)
                    {
                        Attach(handed, Bit(index));
                    }
                }

                break;
        }
    }

    private static bool IsSource(IMethodSymbol method)
    {
        foreach (var location in method.Locations)
        {
            if (location.IsInSource)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A call of a source method that begins a transaction and leaves it open for its caller (a unit of work).</summary>
    /// <summary>A unit of work's Begin that handed CAP's publisher to the transaction it keeps: its publishes join it here too.</summary>
    private void InheritEnlistment(int site, TransactionEffect effect)
    {
        if (effect.EnlistedLibrary is { } library && _sites.Count > 0)
        {
            _sites[Math.Min(site, _sites.Count - 1)].EnlistedLibrary = library;
        }
    }

    private TransactionSiteKind? BeginsThroughCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke or MethodKind.AnonymousFunction)
        {
            return null;
        }

        var effect = _oracle.GetTransactionEffect(method);
        return IsSuppressedFactoryCall(invocation, effect) ? null : effect.Begins;
    }

    /// <summary>
    /// A scope factory called with <c>TransactionScopeOption.Suppress</c> for the parameter its scopes take their option from
    /// (<c>Scopes.Create(TransactionScopeOption.Suppress)</c>): it hands out a suppressing scope, no transaction.
    /// </summary>
    private static bool IsSuppressedFactoryCall(IInvocationOperation invocation, TransactionEffect effect) =>
        effect.ScopeOptionParameter >= 0
        && Summaries.MethodSummaries.ArgumentFor(invocation, effect.ScopeOptionParameter) is { ConstantValue: { HasValue: true, Value: int value } }
        && value == 2;

    /// <summary>
    /// A source method handing out a TransactionScope that is no transaction: a suppressing scope (<c>CreateSuppressed()</c>,
    /// <c>Create(TransactionScopeOption.Suppress)</c>). Disposing it ends nothing.
    /// </summary>
    private bool IsSuppressedFactoryCall(IOperation value)
    {
        if (value is IInvocationOperation suppressing && _symbols.IsTransactionScope(suppressing.Type)
            && SuppressingScopeDelegates.IsSuppressing(suppressing))
        {
            return true; // OutsideTransactions() of a `() => new TransactionScope(Suppress)` field
        }

        if (value is not IInvocationOperation invocation
            || invocation.TargetMethod.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke or MethodKind.AnonymousFunction
            || !_symbols.IsTransactionScope(invocation.Type) || !IsSource(invocation.TargetMethod))
        {
            return false;
        }

        var effect = _oracle.GetTransactionEffect(invocation.TargetMethod);
        return effect.Begins is null || IsSuppressedFactoryCall(invocation, effect);
    }

    /// <summary>BeginTransaction[Async] (or UseTransaction) returning a transaction type, on any receiver.</summary>
    internal bool IsBeginTransaction(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        if (name.StartsWith("Begin", StringComparison.Ordinal))
        {
            return _symbols.IsTransactionType(_symbols.ResultType(method.ReturnType));
        }

        if (name is "UseTransaction" or "UseTransactionAsync" && _symbols.IsTransactionType(_symbols.ResultType(method.ReturnType)))
        {
            // db.Database.UseTransaction(null) detaches instead.
            foreach (var argument in invocation.Arguments)
            {
                if (_symbols.IsTransactionType(argument.Parameter?.Type))
                {
                    return !(argument.Value.ConstantValue.HasValue && argument.Value.ConstantValue.Value is null);
                }
            }
        }

        return false;
    }

    /// <summary>The transaction handed to UseTransaction[Async] (looking through GetDbTransaction()), or null.</summary>
    private IOperation? UsedTransaction(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.Name is not ("UseTransaction" or "UseTransactionAsync"))
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (_symbols.IsTransactionType(argument.Parameter?.Type))
            {
                var value = Unwrap(argument.Value);
                if (value is IInvocationOperation { TargetMethod.Name: "GetDbTransaction" } unwrapped && Receiver(unwrapped) is { } inner)
                {
                    value = Unwrap(inner);
                }

                return value;
            }
        }

        return null;
    }

    private static bool IsSuppress(IObjectCreationOperation creation)
    {
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter?.Type is { Name: "TransactionScopeOption" }
                && argument.Value.ConstantValue is { HasValue: true, Value: int value }
                && value == 2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The sites a call ends: Commit/Rollback/Dispose of a transaction, Dispose of a scope.</summary>
    private ulong EndMask(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        if (_sites.Count == 0)
        {
            return 0;
        }

        if (name is "Complete" or "CompleteAsync" && invocation.Instance is { } unit && _symbols.IsAbpUnitOfWork(Unwrap(unit).Type))
        {
            // ABP: uow.CompleteAsync() saves and commits the unit's transaction.
            return BoundBits(unit);
        }

        if (name is not ("Commit" or "CommitAsync" or "Rollback" or "RollbackAsync" or "Dispose" or "DisposeAsync"
            or "CommitTransaction" or "CommitTransactionAsync" or "RollbackTransaction" or "RollbackTransactionAsync"
            or "AbortTransaction" or "AbortTransactionAsync"))
        {
            return EndMaskThroughCall(invocation);
        }

        var instance = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
        if (instance is null)
        {
            return EndMaskThroughCall(invocation);
        }

        var receiverType = Unwrap(instance).Type;
        if (_symbols.IsMongoSession(receiverType))
        {
            if (name is "Commit" or "CommitAsync" or "Rollback" or "RollbackAsync")
            {
                return 0;
            }

            // session.CommitTransactionAsync() / AbortTransactionAsync() / Dispose().
            return KeyOf(instance) is { } sessionKey && _bound.TryGetValue(sessionKey, out var sessionBits) ? sessionBits : 0;
        }

        if (name.EndsWith("Transaction", StringComparison.Ordinal) || name.EndsWith("TransactionAsync", StringComparison.Ordinal))
        {
            // EF Core's db.Database.CommitTransaction() / RollbackTransaction().
            return _symbols.DatabaseFacade is not null && SymbolEqualityComparer.Default.Equals(receiverType, _symbols.DatabaseFacade)
                ? SitesOfKind(TransactionSiteKind.DbTransaction)
                : EndMaskThroughCall(invocation) | OwnedBits(instance);
        }

        var isScope = _symbols.IsTransactionScope(receiverType);
        if (isScope && name != "Dispose")
        {
            return 0;
        }

        if (!isScope && !_symbols.IsTransactionType(receiverType))
        {
            // _unitOfWork.CommitAsync(): a source method that commits what it holds; or a wrapper whose
            // transaction the context was told to use.
            return EndMaskThroughCall(invocation) | OwnedBits(instance) | BoundBits(instance);
        }

        // Rollback("savepoint") rolls back to a savepoint: the transaction stays open.
        if (name.StartsWith("Rollback", StringComparison.Ordinal) && invocation.Arguments.Length > 0
            && invocation.Arguments[0].Value.Type?.SpecialType == SpecialType.System_String)
        {
            return 0;
        }

        if (KeyOf(instance) is { } key)
        {
            if (_bound.TryGetValue(key, out var bits))
            {
                return bits;
            }

            if (_holdsNoTransaction.Contains(key))
            {
                return 0;
            }
        }

        // A transaction we did not see begin (a property, a helper's result): it is the one that is open.
        return isScope
            ? SitesOfKind(TransactionSiteKind.Scope)
            : SitesOfKind(TransactionSiteKind.DbTransaction) | SitesOfKind(TransactionSiteKind.Parameter);
    }

    // The value a Begin… call handed out (the application's own ITransaction): its Commit/Rollback/Dispose end it.
    private ulong BoundBits(IOperation instance) =>
        KeyOf(instance) is { } key && _bound.TryGetValue(key, out var bits) ? bits : 0;

    private ulong OwnedBits(IOperation instance) =>
        _owners.Count > 0 && KeyOf(instance) is { } key && _owners.TryGetValue(key, out var bits) ? bits : 0;

    /// <summary>
    /// A call of a source method that ends a transaction it did not begin: _unitOfWork.CommitAsync() ends
    /// what _unitOfWork began (or, when we did not see it begin, the open database transactions);
    /// Finish(tx) ends tx.
    /// </summary>
    private ulong EndMaskThroughCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke or MethodKind.AnonymousFunction
            || _siteByOperation.ContainsKey(invocation))
        {
            return 0;
        }

        var effect = _oracle.GetTransactionEffect(method);
        if (effect.IsNone)
        {
            return 0;
        }

        var fallback = SitesOfKind(TransactionSiteKind.DbTransaction) | SitesOfKind(TransactionSiteKind.Parameter);
        ulong mask = 0;
        if (effect.EndsHeld)
        {
            var receiverKey = KeyOf(Receiver(invocation));
            ulong held = 0;
            if (receiverKey is not null)
            {
                // What it began (attached), or the unit of work created here that holds it (bound).
                _attached.TryGetValue(receiverKey, out var attached);
                _bound.TryGetValue(receiverKey, out var bound);
                held = attached | bound;
            }

            mask |= held != 0 ? held : fallback;
        }

        if (effect.EndsParameters != 0)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { Ordinal: < 64 and var ordinal } || (effect.EndsParameters & (1UL << ordinal)) == 0)
                {
                    continue;
                }

                mask |= KeyOf(argument.Value) is { } key && _bound.TryGetValue(key, out var bits) ? bits : fallback;
            }
        }

        return mask;
    }

    private ulong SitesOfKind(TransactionSiteKind kind)
    {
        ulong mask = 0;
        for (var i = 0; i < _sites.Count && i < MaxSites; i++)
        {
            if (_sites[i].Kind == kind)
            {
                mask |= Bit(i);
            }
        }

        return mask;
    }

    private bool IsTransactionParameter(IParameterSymbol parameter)
    {
        if (!_symbols.IsTransactionType(parameter.Type))
        {
            return false;
        }

        // 'IDbTransaction? transaction = null': the caller may well have none.
        if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is null)
        {
            return false;
        }

        // Interceptor callbacks that run once the transaction has ended: EF Core's TransactionCommitted / TransactionRolledBack,
        // NHibernate's AfterTransactionCompletion.
        return !(parameter.ContainingSymbol is IMethodSymbol method && IsAfterEndCallback(method));
    }

    private bool IsAfterEndCallback(IMethodSymbol method)
    {
        // An explicit implementation is named 'Namespace.IInterceptor.AfterTransactionCompletion'.
        var name = method.ExplicitInterfaceImplementations.Length > 0 ? method.ExplicitInterfaceImplementations[0].Name : method.Name;
        if (_symbols.TransactionInterceptor is { } efInterceptor
            && (name.StartsWith("TransactionCommitted", StringComparison.Ordinal) || name.StartsWith("TransactionRolledBack", StringComparison.Ordinal))
            && Implements(method, name, efInterceptor))
        {
            return true;
        }

        return _symbols.NHibernateInterceptor is { } nhInterceptor
            && name.StartsWith("AfterTransactionCompletion", StringComparison.Ordinal)
            && Implements(method, name, nhInterceptor);
    }

    /// <summary>The method is (an override of) a member of the interface, or implements one, implicitly or explicitly.</summary>
    private static bool Implements(IMethodSymbol method, string name, INamedTypeSymbol interceptor)
    {
        for (var m = method; m is not null; m = m.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(m.ContainingType?.OriginalDefinition, interceptor))
            {
                return true;
            }

            foreach (var implemented in m.ExplicitInterfaceImplementations)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.ContainingType?.OriginalDefinition, interceptor))
                {
                    return true;
                }
            }
        }

        if (method.ContainingType is { } type)
        {
            foreach (var member in interceptor.GetMembers(name))
            {
                var implementation = type.FindImplementationForInterfaceMember(member)?.OriginalDefinition;
                for (var m = method; m is not null && implementation is not null; m = m.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(implementation, m.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private int AddSite(TransactionSiteKind kind, SyntaxNode syntax, IOperation? operation, IParameterSymbol? parameter)
    {
        if (operation is not null && _siteByOperation.TryGetValue(operation, out var existing) && kind != TransactionSiteKind.TransactionMethod)
        {
            return existing;
        }

        foreach (var (site, i) in Indexed())
        {
            if (site.Syntax == syntax && site.Kind == kind)
            {
                return i;
            }
        }

        var description = kind switch
        {
            TransactionSiteKind.Parameter => $"the transaction passed in as parameter '{parameter!.Name}' (line {TransactionSite.Line(syntax)})",
            TransactionSiteKind.TransactionMethod => $"the transaction that '{CallName(operation)}' opens around this code (line {TransactionSite.Line(syntax)})",
            _ => $"the transaction opened by '{TransactionSite.ShortText(syntax)}' (line {TransactionSite.Line(syntax)})",
        };
        _sites.Add(new TransactionSite(kind, syntax, description));
        return Math.Min(_sites.Count - 1, MaxSites - 1);
    }

    private IEnumerable<(TransactionSite Site, int Index)> Indexed()
    {
        for (var i = 0; i < _sites.Count; i++)
        {
            yield return (_sites[i], Math.Min(i, MaxSites - 1));
        }
    }

    private static string CallName(IOperation? operation) => operation switch
    {
        IInvocationOperation invocation => (invocation.TargetMethod.ContainingType is { } type ? SideEffectCatalog.TypeName(type) + "." : string.Empty) + invocation.TargetMethod.Name,
        IObjectCreationOperation creation => "new " + creation.Type?.Name,
        _ => "the call",
    };

    private static ulong Bit(int index) => 1UL << Math.Min(index, MaxSites - 1);
}
