using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using JobSafety.Analyzers.Regions;
using JobSafety.Analyzers.SideEffects;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Summaries;

/// <summary>
/// Per-method facts, computed on demand once per compilation and cached:
/// which side effects a source method performs (itself or through source callees, to a depth), and
/// where a delegate passed to it runs (stored for later, invoked inside its own transaction, or
/// invoked where it is called). Also the <see cref="IDelegateOracle"/> the region model asks.
/// </summary>
internal sealed class MethodSummaries : IDelegateOracle
{
    private readonly Compilation _compilation;
    private readonly SideEffectCatalog _catalog;
    private readonly TransactionSymbols _symbols;
    private readonly Options.JobSafetyOptions _options;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Depth), ImmutableArray<SideEffectPath>> _effects = new();
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), DelegateDisposition> _delegates = new();
    private readonly Lazy<ImplementationIndex> _implementations;
    private readonly ConcurrentDictionary<(INamedTypeSymbol Message, bool Publish), ImmutableArray<IMethodSymbol>> _handlers = new(HandlerKeyComparer.Instance);

    private readonly ConcurrentDictionary<IMethodSymbol, TransactionEffect> _transactionEffects = new(SymbolEqualityComparer.Default);

    [ThreadStatic]
    private static HashSet<IMethodSymbol>? t_inProgress;

    [ThreadStatic]
    private static HashSet<IMethodSymbol>? t_effectsInProgress;

    /// <summary>Names of the compilation's openers (helpers, and types whose constructor begins a transaction), when known.</summary>
    internal Func<string, bool>? OpenerNames { get; set; }

    public MethodSummaries(Compilation compilation, SideEffectCatalog catalog, TransactionSymbols symbols, Options.JobSafetyOptions options)
    {
        _compilation = compilation;
        _catalog = catalog;
        _symbols = symbols;
        _options = options;
        _implementations = new Lazy<ImplementationIndex>(() => new ImplementationIndex(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        TestClients = new InProcessTestClients(compilation);
    }

    /// <summary>Clients of ASP.NET Core's in-process test host: their requests are not side effects.</summary>
    public InProcessTestClients TestClients { get; }

    public CancellationToken CancellationToken { get; set; }

    /// <summary>The method whose body runs for a call: itself, the implementation of a partial method, or the single source implementation of a source interface/abstract method.</summary>
    public IMethodSymbol? ResolveBody(IMethodSymbol method)
    {
        var called = method.ReducedFrom ?? method;
        method = called.OriginalDefinition;
        if (method.PartialImplementationPart is { } implementation)
        {
            method = implementation;
        }

        if (!SideEffectCatalog.IsInSource(method))
        {
            return null;
        }

        if (method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            // The constructed method: IHandler<OrderPlaced>.Handle has one implementation even when
            // IHandler<OrderShipped>.Handle has another.
            return _implementations.Value.SingleImplementation(called);
        }

        return method.IsExtern ? null : method;
    }

    /// <summary>
    /// For a call through an interface the project supplies (ASP.NET Core Identity's <c>IEmailSender</c>): null when the
    /// compilation has no implementation of it (the catalog's effect stands, as for a sender in another project); otherwise
    /// what to report in its place: the side effects of a single implementation that performs the catalog's kind of side
    /// effect itself, with their chains; otherwise the catalog's effect (an empty chain) when any implementation performs
    /// any side effect; else nothing.
    /// </summary>
    public ImmutableArray<SideEffectPath>? ProjectImplementedEffects(SideEffect effect, IMethodSymbol target, int depth)
    {
        if (!_catalog.IsProjectImplemented(effect, target))
        {
            return null;
        }

        var implementations = _implementations.Value.SourceImplementations(target);
        if (implementations.IsEmpty)
        {
            return null;
        }

        // A decorator calling the interface it implements (logging, retry around an inner sender registered elsewhere):
        // its own implementation is being summarised up the stack, so the inner sender is unknown and the effect stands.
        if (t_inProgress is { Count: > 0 } inProgress)
        {
            foreach (var implementation in implementations)
            {
                if (inProgress.Contains(implementation))
                {
                    return null;
                }
            }
        }

        // The caller asked the interface to send an e-mail: whatever real side effect an implementation performs for it (SMTP,
        // an HTTP mail API, a mail job enqueued) is reported under the interface's own category. Only a single implementation
        // that performs that category itself gives its chain (and its other effects, each under its own rule).
        depth = Math.Max(depth, 1);
        if (implementations.Length == 1)
        {
            var paths = GetSideEffects(implementations[0], depth);
            foreach (var path in paths)
            {
                if (path.Effect.Category == effect.Category)
                {
                    return paths;
                }
            }

            return paths.IsEmpty ? paths : ImmutableArray.Create(new SideEffectPath(effect, ImmutableArray<string>.Empty));
        }

        foreach (var implementation in implementations)
        {
            if (!GetSideEffects(implementation, depth).IsEmpty)
            {
                return ImmutableArray.Create(new SideEffectPath(effect, ImmutableArray<string>.Empty));
            }
        }

        return ImmutableArray<SideEffectPath>.Empty;
    }

    /// <summary>
    /// The source handlers an in-process mediator call runs before it returns (MediatR's or Mediator's
    /// <c>Publish</c>/<c>Send</c> on a library type): for <c>Publish(n)</c> every <c>INotificationHandler&lt;T&gt;</c> whose
    /// <c>T</c> is the static type of <c>n</c> or one of its base types or interfaces (handlers of derived types run only
    /// for some values: not followed); for <c>Send(r)</c> the <c>IRequestHandler</c> of exactly the static type of <c>r</c>.
    /// Empty for any other call.
    /// </summary>
    public ImmutableArray<IMethodSymbol> DispatchedHandlers(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        if (target.Name is not ("Publish" or "Send") || target.ContainingType is not { } containing
            || containing.ContainingNamespace is not { Name: "MediatR" or "Mediator", ContainingNamespace.IsGlobalNamespace: true }
            || SideEffectCatalog.IsInSource(target))
        {
            return ImmutableArray<IMethodSymbol>.Empty;
        }

        IOperation? message = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: 0 })
            {
                message = Strip(argument.Value);
                break;
            }
        }

        if (message?.Type is not INamedTypeSymbol { TypeKind: not TypeKind.Error } type || type.SpecialType == SpecialType.System_Object)
        {
            return ImmutableArray<IMethodSymbol>.Empty;
        }

        var publish = target.Name == "Publish";
        return _handlers.GetOrAdd((type, publish), key => _implementations.Value.MediatorHandlers(key.Message, key.Publish));
    }

    /// <summary>
    /// The method to follow for a call made in <paramref name="caller"/>: the target itself, except when the call resolves
    /// back to the caller (a decorator's call on the interface it implements, `_inner.UpdateAsync(e)`): then the one
    /// implementation that is not a decorator, or null (nothing to follow).
    /// </summary>
    public IMethodSymbol? ResolveCallee(IMethodSymbol target, IMethodSymbol caller)
    {
        var called = target.ReducedFrom ?? target;
        var definition = called.OriginalDefinition;
        if ((definition.IsAbstract || definition.ContainingType?.TypeKind == TypeKind.Interface)
            && ResolveBody(target) is { } body && SymbolEqualityComparer.Default.Equals(body, caller.OriginalDefinition))
        {
            return _implementations.Value.SingleUndecoratedImplementation(called);
        }

        return target;
    }

    /// <summary>Side effects the body of a source method performs, at most <paramref name="depth"/> calls deep (1 = itself only).</summary>
    public ImmutableArray<SideEffectPath> GetSideEffects(IMethodSymbol method, int depth)
    {
        if (depth <= 0)
        {
            return ImmutableArray<SideEffectPath>.Empty;
        }

        var body = ResolveBody(method);
        if (body is null)
        {
            return ImmutableArray<SideEffectPath>.Empty;
        }

        if (_effects.TryGetValue((body, depth), out var cached))
        {
            return cached;
        }

        var inProgress = t_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!inProgress.Add(body))
        {
            return ImmutableArray<SideEffectPath>.Empty; // recursion: the first visit finds it
        }

        try
        {
            var result = ComputeSideEffects(body, depth);
            _effects.TryAdd((body, depth), result);
            return result;
        }
        finally
        {
            inProgress.Remove(body);
        }
    }

    private ImmutableArray<SideEffectPath> ComputeSideEffects(IMethodSymbol method, int depth)
    {
        var found = new Dictionary<SideEffectCategory, SideEffectPath>();
        var operation = GetBodyOperation(method);
        if (operation is null)
        {
            return ImmutableArray<SideEffectPath>.Empty;
        }

        var self = SideEffectCatalog.DisplayName(method);
        HashSet<ILocalSymbol>? ambientLocals = null;
        Visit(operation, false);
        var builder = ImmutableArray.CreateBuilder<SideEffectPath>(found.Count);
        foreach (var category in new[] { SideEffectCategory.Enqueue, SideEffectCategory.Mail, SideEffectCategory.Http, SideEffectCategory.Other })
        {
            if (found.TryGetValue(category, out var path))
            {
                builder.Add(path);
            }
        }

        return builder.ToImmutable();

        void Visit(IOperation node, bool noAmbient)
        {
            CancellationToken.ThrowIfCancellationRequested();
            switch (node)
            {
                case IAnonymousFunctionOperation lambda:
                    if (RunsLater(lambda))
                    {
                        return;
                    }

                    break;
                case IConversionOperation conversion when _symbols.IsExpressionTree(conversion.Type):
                    return;
                case IArgumentOperation { Parameter: { } parameter } when _symbols.IsExpressionTree(parameter.Type):
                    return;
                case IConditionalOperation conditional when AmbientNullTest(conditional.Condition) is { } nullWhenTrue:
                    // 'if (Transaction.Current is null) { ... }': that branch runs only without an ambient transaction.
                    Visit(conditional.Condition, noAmbient);
                    Visit(conditional.WhenTrue, noAmbient || nullWhenTrue);
                    if (conditional.WhenFalse is { } whenFalse)
                    {
                        Visit(whenFalse, noAmbient || !nullWhenTrue);
                    }

                    return;
                case IBlockOperation block:
                    // 'if (Transaction.Current != null) { defer; return; }' makes the rest of the block ambient-free.
                    var rest = noAmbient;
                    foreach (var statement in block.Operations)
                    {
                        Visit(statement, rest);
                        if (!rest && statement is IConditionalOperation { WhenFalse: null } guard
                            && AmbientNullTest(guard.Condition) == false && AlwaysExits(guard.WhenTrue))
                        {
                            rest = true;
                        }
                    }

                    return;
            }

            if (node is IInvocationOperation invocation && CanStillFind())
            {
                Classify(invocation, noAmbient);
            }

            foreach (var child in node.ChildOperations)
            {
                Visit(child, noAmbient);
            }
        }

        bool CanStillFind()
        {
            if (found.Count < 4)
            {
                return true;
            }

            foreach (var path in found.Values)
            {
                if (path.OnlyWithoutAmbientTransaction)
                {
                    return true;
                }
            }

            return false;
        }

        void Record(SideEffectPath path)
        {
            // An unconditional path wins over one reached only without an ambient transaction.
            if (!found.TryGetValue(path.Effect.Category, out var existing)
                || (existing.OnlyWithoutAmbientTransaction && !path.OnlyWithoutAmbientTransaction))
            {
                found[path.Effect.Category] = path;
            }
        }

        // true: the condition holds when Transaction.Current is null; false: when it is not; null: not such a test.
        bool? AmbientNullTest(IOperation condition)
        {
            var value = StripConversions(condition);
            switch (value)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return AmbientNullTest(not.Operand) is { } inner ? !inner : null;
                case IIsPatternOperation pattern when IsAmbient(pattern.Value):
                    return pattern.Pattern switch
                    {
                        IConstantPatternOperation constant when IsNull(constant.Value) => true,
                        INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IsNull(constant.Value) => false,
                        _ => null,
                    };
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                    if (IsAmbient(binary.LeftOperand) && IsNull(binary.RightOperand)
                        || IsAmbient(binary.RightOperand) && IsNull(binary.LeftOperand))
                    {
                        return equals;
                    }

                    return null;
                default:
                    return null;
            }
        }

        bool IsAmbient(IOperation value)
        {
            value = StripConversions(value);
            if (value is IPropertyReferenceOperation { Property: { Name: "Current", IsStatic: true } property }
                && property.ContainingType is { Name: "Transaction", ContainingNamespace: { Name: "Transactions", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
            {
                return true;
            }

            if (value is ILocalReferenceOperation local)
            {
                if (ambientLocals is null)
                {
                    ambientLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
                    foreach (var descendant in operation.Descendants())
                    {
                        if (descendant is IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator && IsAmbient(initial))
                        {
                            ambientLocals.Add(declarator.Symbol);
                        }
                    }
                }

                return ambientLocals.Contains(local.Local);
            }

            return false;
        }

        static bool IsNull(IOperation value) =>
            StripConversions(value).ConstantValue is { HasValue: true, Value: null };

        static bool AlwaysExits(IOperation branch)
        {
            while (branch is IBlockOperation { Operations.Length: > 0 } block)
            {
                branch = block.Operations[block.Operations.Length - 1];
            }

            return branch is IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
        }

        static IOperation StripConversions(IOperation value)
        {
            while (value is IConversionOperation or IParenthesizedOperation)
            {
                value = value is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)value).Operand;
            }

            return value;
        }

        void Classify(IInvocationOperation invocation, bool noAmbient)
        {
            var target = invocation.TargetMethod;
            if (HandsTransaction(invocation))
            {
                return;
            }

            var effect = _catalog.Classify(target, ReceiverType(invocation));
            if (effect is not null)
            {
                if (_catalog.IsDeclaredTransactional(target)
                    || (effect.Category == SideEffectCategory.Http && TestClients.IsInProcessRequest(invocation, CancellationToken)))
                {
                    return;
                }

                // A project-supplied interface (IEmailSender) is judged by the project's implementations when it has any.
                if (ProjectImplementedEffects(effect, target, depth - 1) is { } supplied)
                {
                    foreach (var path in supplied)
                    {
                        var chain = path.Chain.IsDefaultOrEmpty ? ImmutableArray.Create(self, path.Effect.DisplayName) : path.Chain.Insert(0, self);
                        Record(new SideEffectPath(path.Effect, chain, noAmbient || path.OnlyWithoutAmbientTransaction));
                    }

                    return;
                }

                Record(new SideEffectPath(effect, ImmutableArray.Create(self, effect.DisplayName), noAmbient));
                return;
            }

            if (depth <= 1 || target.MethodKind == MethodKind.LocalFunction)
            {
                return;
            }

            foreach (var path in GetSideEffects(ResolveCallee(target, method) ?? target, depth - 1))
            {
                Record(new SideEffectPath(path.Effect, path.Chain.Insert(0, self), noAmbient || path.OnlyWithoutAmbientTransaction));
            }

            // _mediator.Publish(new OrderPlaced(..)) runs the project's handlers before it returns.
            foreach (var handler in DispatchedHandlers(invocation))
            {
                foreach (var path in GetSideEffects(handler, depth - 1))
                {
                    Record(new SideEffectPath(path.Effect, path.Chain.Insert(0, self), noAmbient || path.OnlyWithoutAmbientTransaction));
                }
            }
        }
    }

    /// <summary>A call handed a transaction (an argument of a transaction type) takes part in it.</summary>
    internal bool HandsTransaction(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            var value = argument.Value;
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value is not ILiteralOperation && _symbols.IsTransactionType(value.Type))
            {
                return true;
            }
        }

        return false;
    }

    internal static ITypeSymbol? ReceiverType(IInvocationOperation invocation)
    {
        var instance = invocation.Instance;
        if (instance is null && invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0)
        {
            instance = invocation.Arguments[0].Value;
        }

        while (instance is IConversionOperation conversion)
        {
            instance = conversion.Operand;
        }

        return instance?.Type;
    }

    private bool RunsLater(IAnonymousFunctionOperation lambda)
    {
        var parent = lambda.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IArgumentOperation { Parent: IInvocationOperation invocation } argument =>
                Classify(invocation, invocation.TargetMethod, argument.Parameter) == DelegateDisposition.Deferred,
            IEventAssignmentOperation => true,
            IReturnOperation => true,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } => true,
            _ => false,
        };
    }

    // ---- delegates ----

    public DelegateDisposition Classify(IOperation call, IMethodSymbol target, IParameterSymbol? parameter)
    {
        var method = (target.ReducedFrom ?? target).OriginalDefinition;
        if (IsRuntimeDeferral(method))
        {
            return DelegateDisposition.Deferred;
        }

        if (Listed(_options.DeferredMethods, method))
        {
            return DelegateDisposition.Deferred;
        }

        if (Listed(_options.TransactionMethods, method))
        {
            return DelegateDisposition.RunsInTransaction;
        }

        if (_symbols.ExecutionStrategyExtensions is not null
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, _symbols.ExecutionStrategyExtensions)
            && method.Name.StartsWith("ExecuteInTransaction", StringComparison.Ordinal))
        {
            return parameter?.Name == "operation" ? DelegateDisposition.RunsInTransaction : DelegateDisposition.RunsWhereInvoked;
        }

        // MongoDB's session.WithTransaction[Async](callback): the callback runs inside the transaction.
        if (method.Name.StartsWith("WithTransaction", StringComparison.Ordinal) && parameter?.Type.TypeKind == TypeKind.Delegate
            && _symbols.IsMongoSession(method.IsExtensionMethod && method.Parameters.Length > 0 ? method.Parameters[0].Type : method.ContainingType))
        {
            return DelegateDisposition.RunsInTransaction;
        }

        if (parameter is null || parameter.Type.TypeKind != TypeKind.Delegate)
        {
            return DelegateDisposition.RunsWhereInvoked;
        }

        var body = ResolveBody(method);
        if (body is null)
        {
            // A library method that takes the delegate as a plain T (List<T>.Add, Queue<T>.Enqueue,
            // Dictionary<K,V>.Add, a collection initializer) only stores it: it cannot call a T.
            // A delegate's own Invoke (Func<T, TResult>.Invoke) is the exception: it hands T to code that may call it.
            return method.MethodKind != MethodKind.DelegateInvoke && parameter.OriginalDefinition.Type is ITypeParameterSymbol
                ? DelegateDisposition.Deferred
                : DelegateDisposition.RunsWhereInvoked;
        }

        var ordinal = parameter.Ordinal;
        if (_delegates.TryGetValue((body, ordinal), out var cached))
        {
            return cached;
        }

        var inProgress = t_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!inProgress.Add(body))
        {
            return DelegateDisposition.RunsWhereInvoked;
        }

        try
        {
            var result = InferDelegate(body, ordinal);
            _delegates.TryAdd((body, ordinal), result);
            return result;
        }
        finally
        {
            inProgress.Remove(body);
        }
    }

    /// <summary>
    /// Looks at what the callee does with its delegate parameter: invoked inside a transaction it
    /// opens (a unit-of-work helper) → the lambda runs in a transaction; only stored (field, collection,
    /// event) and never invoked → it runs later; anything else → where it is called.
    /// </summary>
    private DelegateDisposition InferDelegate(IMethodSymbol method, int ordinal)
    {
        if (ordinal >= method.Parameters.Length)
        {
            return DelegateDisposition.RunsWhereInvoked;
        }

        var parameter = method.Parameters[ordinal];
        var operation = GetBodyOperation(method);
        if (operation is null)
        {
            return DelegateDisposition.RunsWhereInvoked;
        }

        var invocations = new List<IOperation>();
        var stored = false;
        var other = false;
        foreach (var node in operation.Descendants())
        {
            if (node is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
            {
                continue;
            }

            var parent = reference.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoke:
                    invocations.Add(invoke);
                    break;
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation or IArrayElementReferenceOperation }:
                case IEventAssignmentOperation:
                    stored = true;
                    break;
                case IArgumentOperation { Parent: IInvocationOperation inner } argument:
                    var disposition = inner.TargetMethod.Name is "Add" or "Enqueue" or "Push" or "Insert" or "TryAdd"
                        && inner.TargetMethod.ContainingType?.ContainingNamespace?.ToDisplayString().StartsWith("System.Collections", StringComparison.Ordinal) == true
                        ? DelegateDisposition.Deferred
                        : Classify(inner, inner.TargetMethod, argument.Parameter);
                    if (disposition == DelegateDisposition.RunsInTransaction)
                    {
                        return DelegateDisposition.RunsInTransaction;
                    }

                    if (disposition == DelegateDisposition.Deferred)
                    {
                        stored = true;
                    }
                    else
                    {
                        invocations.Add(inner);
                    }

                    break;
                default:
                    other = true;
                    break;
            }
        }

        if (invocations.Count == 0)
        {
            return stored && !other ? DelegateDisposition.Deferred : DelegateDisposition.RunsWhereInvoked;
        }

        // Is any invocation inside a region of the callee?
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        ControlFlowGraph graph;
        switch (root)
        {
            case IMethodBodyOperation body:
                graph = ControlFlowGraph.Create(body, CancellationToken);
                break;
            case IConstructorBodyOperation constructor:
                graph = ControlFlowGraph.Create(constructor, CancellationToken);
                break;
            case IBlockOperation block:
                graph = ControlFlowGraph.Create(block, CancellationToken);
                break;
            default:
                return DelegateDisposition.RunsWhereInvoked;
        }

        var regions = RegionAnalysis.Run(graph, method, _symbols, this, CancellationToken);
        if (regions.Sites.Count == 0)
        {
            return DelegateDisposition.RunsWhereInvoked;
        }

        foreach (var hit in regions.Hits)
        {
            if (hit.Key is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoke
                && invoke.Instance is { } instance
                && Strip(instance) is IParameterReferenceOperation p
                && SymbolEqualityComparer.Default.Equals(p.Parameter, parameter))
            {
                return DelegateDisposition.RunsInTransaction;
            }

            if (hit.Key is IInvocationOperation passing)
            {
                foreach (var argument in passing.Arguments)
                {
                    if (Strip(argument.Value) is IParameterReferenceOperation passed && SymbolEqualityComparer.Default.Equals(passed.Parameter, parameter))
                    {
                        return DelegateDisposition.RunsInTransaction;
                    }
                }
            }
        }

        return DelegateDisposition.RunsWhereInvoked;
    }

    private static IOperation Strip(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    // ---- what source methods do to their caller's transactions ----

    /// <inheritdoc />
    public TransactionEffect GetTransactionEffect(IMethodSymbol method)
    {
        if (method.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke or MethodKind.AnonymousFunction)
        {
            return TransactionEffect.None;
        }

        var body = ResolveBody(method);
        if (body is null)
        {
            // The names are a guess for code the compilation does not have: when it has implementations, they decide.
            var byName = BodilessEffect(method);
            return byName.IsNone ? byName : ImplementedEffect(method) ?? byName;
        }

        if (_transactionEffects.TryGetValue(body, out var cached))
        {
            return cached;
        }

        var inProgress = t_effectsInProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!inProgress.Add(body))
        {
            return TransactionEffect.None; // recursion: the first visit decides
        }

        try
        {
            var result = ComputeTransactionEffect(body);
            _transactionEffects.TryAdd(body, result);
            return result;
        }
        finally
        {
            inProgress.Remove(body);
        }
    }

    private static readonly TransactionEffect BeginsHeldByName = new(TransactionSiteKind.DbTransaction, endsHeld: false, endsParameters: 0);
    private static readonly TransactionEffect EndsHeldByName = new(null, endsHeld: true, endsParameters: 0);

    private static readonly HashSet<string> LibraryRoots = new(StringComparer.Ordinal)
    {
        "System", "Microsoft", "Confluent", "StackExchange", "RabbitMQ", "MongoDB", "NHibernate", "Npgsql", "MySqlConnector", "MySql",
        "Oracle", "Hangfire", "Quartz", "MassTransit", "NServiceBus", "Wolverine", "DotNetCore", "Marten", "Raven", "Azure", "Amazon",
        "Google", "LiteDB", "Dapper", "Rebus", "Paramore", "Volo", "Abp", "Savorboard",

        // Brokers, data grids and actor runtimes whose "transactions" are not a database's (Hazelcast's transaction context,
        // Orleans/Akka state, other Kafka/Pulsar/NATS clients, IBM MQ's Begin/Commit/Backout, Apache NMS sessions).
        "Hazelcast", "Orleans", "Akka", "Kafka", "KafkaFlow", "DotPulsar", "Pulsar", "NATS", "EasyNetQ", "IBM", "Apache",
    };

    /// <summary>
    /// A call through an interface that the compilation implements more than once (no single body to follow), which the names
    /// would judge a unit of work's begin or end: judged by those bodies instead. The first implementation that leaves a transaction open (or ends one it holds) gives the
    /// effect; when none does (an undo stack's <c>BeginTransaction(name)</c>/<c>CommitTransaction()</c>, an in-memory batch's
    /// <c>Begin()</c>/<c>Commit()</c>/<c>Rollback()</c>), the call does nothing to the caller's transactions. Null when the
    /// compilation has no implementation (the names decide, <see cref="BodilessEffect"/>).
    /// </summary>
    private TransactionEffect? ImplementedEffect(IMethodSymbol method)
    {
        var implementations = _implementations.Value.SourceImplementations(method);
        if (implementations.IsEmpty)
        {
            return null;
        }

        foreach (var implementation in implementations)
        {
            var effect = GetTransactionEffect(implementation);
            if (!effect.IsNone)
            {
                return effect;
            }
        }

        return TransactionEffect.None;
    }

    /// <summary>
    /// A unit of work whose implementation the compilation does not contain (an interface of the application layer implemented
    /// in the infrastructure project, or a type from another assembly): <c>BeginTransaction[Async]()</c> returning nothing leaves
    /// a transaction open in it, and its <c>CommitTransaction…</c>/<c>RollbackTransaction…</c> (or plain <c>Commit…</c>/<c>Rollback…</c>
    /// when it has no <c>…Transaction</c> ones) end it. Library types are judged by their symbols, never by these names.
    /// </summary>
    private static TransactionEffect BodilessEffect(IMethodSymbol method)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        var type = method.ContainingType;
        if (type is null || method.MethodKind != MethodKind.Ordinary || method.IsStatic || IsLibraryType(type))
        {
            return TransactionEffect.None;
        }

        // A commit or rollback ends what the unit of work holds whatever it returns (Task<bool> CommitTransactionAsync()
        // reporting success, Task<int> CommitAsync() the rows saved).
        if (IsNamedEnd(method))
        {
            return HasMember(type, IsNamedBegin) ? EndsHeldByName : TransactionEffect.None;
        }

        if (!ReturnsNothing(method))
        {
            // Task<ITransaction> BeginTransactionAsync() handing out the application's own transaction abstraction,
            // which has its own Commit…/Rollback…: the region lasts until they (or its Dispose) are called on it.
            return IsTransactionBeginName(method.Name) && ReturnedTransactionAbstraction(method) ? BeginsHeldByName : TransactionEffect.None;
        }

        return IsNamedBegin(method) && HasMember(type, IsNamedEnd) ? BeginsHeldByName : TransactionEffect.None;

        static bool IsTransactionBeginName(string name) =>
            name is "BeginTransaction" or "BeginTransactionAsync" or "StartTransaction" or "StartTransactionAsync" or "BeginTran" or "BeginTranAsync";

        bool IsNamedBegin(IMethodSymbol candidate) =>
            (IsTransactionBeginName(candidate.Name) && (ReturnsNothing(candidate) || ReturnedTransactionAbstraction(candidate)))
            || (candidate.Name is "Begin" or "BeginAsync" && ReturnsNothing(candidate) && HasPlainCommitAndRollback(type));

        bool IsNamedEnd(IMethodSymbol candidate)
        {
            if (candidate.Name is "CommitTransaction" or "CommitTransactionAsync" or "RollbackTransaction" or "RollbackTransactionAsync"
                or "CommitTran" or "CommitTranAsync" or "RollbackTran" or "RollbackTranAsync")
            {
                return true;
            }

            // A plain CommitAsync() next to CommitTransactionAsync() is the unit of work's SaveChanges.
            return candidate.Name is "Commit" or "CommitAsync" or "Rollback" or "RollbackAsync" or "RollBack" or "RollBackAsync"
                && !HasMember(type, m => m.Name is "CommitTransaction" or "CommitTransactionAsync");
        }
    }

    /// <summary>A unit of work with a bare <c>Begin[Async]()</c>: it must also have <c>Commit[Async]</c> and <c>Rollback[Async]</c>.</summary>
    private static bool HasPlainCommitAndRollback(INamedTypeSymbol type) =>
        HasMember(type, m => m.Name is "Commit" or "CommitAsync") && HasMember(type, m => m.Name is "Rollback" or "RollbackAsync" or "RollBack" or "RollBackAsync");

    /// <summary>A source (non-library) type, or Task/ValueTask of one, with both a Commit… and a Rollback… method.</summary>
    private static bool ReturnedTransactionAbstraction(IMethodSymbol method)
    {
        var returned = method.ReturnType as INamedTypeSymbol;
        if (returned is { Arity: 1, Name: "Task" or "ValueTask" } && returned.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            returned = returned.TypeArguments[0] as INamedTypeSymbol;
        }

        return returned is { TypeKind: TypeKind.Interface or TypeKind.Class } && !IsLibraryType(returned)
            && HasMember(returned, m => m.Name is "Commit" or "CommitAsync" or "CommitTransaction" or "CommitTransactionAsync")
            && HasMember(returned, m => m.Name is "Rollback" or "RollbackAsync" or "RollbackTransaction" or "RollbackTransactionAsync");
    }

    private static bool ReturnsNothing(IMethodSymbol method) =>
        method.ReturnsVoid
        || (method.ReturnType is INamedTypeSymbol { Arity: 0, Name: "Task" or "ValueTask" } returned
            && returned.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks");

    private static bool IsLibraryType(INamedTypeSymbol type)
    {
        var root = type.ContainingNamespace;
        while (root is { ContainingNamespace.IsGlobalNamespace: false })
        {
            root = root.ContainingNamespace;
        }

        return root is { IsGlobalNamespace: false } && LibraryRoots.Contains(root.Name);
    }

    private static bool HasMember(INamedTypeSymbol type, Func<IMethodSymbol, bool> predicate)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IMethodSymbol candidate && predicate(candidate))
                {
                    return true;
                }
            }
        }

        foreach (var implemented in type.AllInterfaces)
        {
            foreach (var member in implemented.GetMembers())
            {
                if (member is IMethodSymbol candidate && predicate(candidate))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private TransactionEffect ComputeTransactionEffect(IMethodSymbol method)
    {
        // Cheap filter before binding the body: no transaction, commit or rollback written in it, no effect.
        // (Identifier tokens only, no text copied: this runs once for every source method that is called.)
        var mentions = false;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var token in reference.GetSyntax(CancellationToken).DescendantTokens())
            {
                var text = token.ValueText;
                if (text.IndexOf("Transaction", StringComparison.Ordinal) >= 0 || text.IndexOf("Commit", StringComparison.Ordinal) >= 0
                    || text.IndexOf("Rollback", StringComparison.Ordinal) >= 0 || text.IndexOf("Begin", StringComparison.Ordinal) >= 0
                    || (token.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Parent: Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax }
                        && OpenerNames is { } openers && openers(text)))
                {
                    mentions = true;
                    break;
                }
            }

            if (mentions)
            {
                break;
            }
        }

        if (!mentions || GetBodyOperation(method) is not { } operation)
        {
            return TransactionEffect.None;
        }

        var startsOwn = false;
        var endsHeld = false;
        ulong endsParameters = 0;

        // The parameter every scope this method creates takes its TransactionScopeOption from (-1: none yet, -2: a scope
        // whose option is not a parameter).
        var scopeOption = -1;
        void NoteScopeOption(IOperation? option)
        {
            var own = option is not null && Strip(option) is IParameterReferenceOperation { Parameter.Ordinal: var ordinal } p
                && SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, method) ? ordinal : -2;
            scopeOption = scopeOption == -1 || scopeOption == own ? own : -2;
        }

        foreach (var node in DescendantsOutsideLambdas(operation))
        {
            switch (node)
            {
                case IObjectCreationOperation creation when _symbols.IsTransactionScope(creation.Type):
                    startsOwn = true;
                    NoteScopeOption(ScopeOptionArgument(creation.Arguments));
                    break;
                case IObjectCreationOperation { Constructor: { } constructor } when SideEffectCatalog.IsInSource(constructor)
                    && GetTransactionEffect(constructor).Begins is not null:
                    // A factory handing out a new unit of work whose constructor begins the transaction it keeps.
                    startsOwn = true;
                    break;
                case IInvocationOperation scopeFactory when _symbols.IsTransactionScope(scopeFactory.Type)
                    && (!SideEffectCatalog.IsInSource(scopeFactory.TargetMethod) || scopeFactory.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
                    && !SuppressingScopeDelegates.IsSuppressing(scopeFactory):
                    // A scope handed out by a library factory or a delegate (`_inner = createScope();`), as the region
                    // analysis opens it; whether it is left open for the caller is decided below.
                    startsOwn = true;
                    break;
                case IInvocationOperation invocation:
                    var target = invocation.TargetMethod;
                    if ((target.Name.StartsWith("Begin", StringComparison.Ordinal) || target.Name.StartsWith("UseTransaction", StringComparison.Ordinal))
                        && _symbols.IsTransactionType(_symbols.ResultType(target.ReturnType)))
                    {
                        // _db.Database.UseTransaction(tx) with tx passed in by the caller: the caller's transaction,
                        // which the caller ends; this method opens nothing of its own.
                        startsOwn |= !UsesParameterTransaction(invocation, method);
                        break;
                    }

                    if (EndedReceiver(invocation) is { } ended)
                    {
                        switch (ended)
                        {
                            case IParameterReferenceOperation { Parameter.Ordinal: < 64 and var ordinal } parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method):
                                endsParameters |= 1UL << ordinal;
                                break;
                            case IFieldReferenceOperation or IPropertyReferenceOperation:
                                endsHeld = true;
                                break;
                        }

                        break;
                    }

                    if (SideEffectCatalog.IsInSource(target) || target.PartialImplementationPart is not null || target.IsAbstract || target.ContainingType?.TypeKind == TypeKind.Interface)
                    {
                        var inner = GetTransactionEffect(target);
                        if (inner.IsNone)
                        {
                            break;
                        }

                        startsOwn |= inner.Begins is not null;
                        endsHeld |= inner.EndsHeld;
                        if (inner.Begins == TransactionSiteKind.Scope)
                        {
                            // Create(option) handing on its own parameter to another scope factory.
                            NoteScopeOption(inner.ScopeOptionParameter >= 0 ? ArgumentFor(invocation, inner.ScopeOptionParameter) : null);
                        }

                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Parameter is not { Ordinal: < 64 and var ordinal } || (inner.EndsParameters & (1UL << ordinal)) == 0)
                            {
                                continue;
                            }

                            switch (Strip(argument.Value))
                            {
                                case IParameterReferenceOperation { Parameter.Ordinal: < 64 and var own } p when SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, method):
                                    endsParameters |= 1UL << own;
                                    break;
                                case IFieldReferenceOperation or IPropertyReferenceOperation:
                                    endsHeld = true;
                                    break;
                            }
                        }
                    }

                    break;
            }
        }

        TransactionSiteKind? begins = null;
        string? enlisted = null;
        var enlistedDecided = false;
        if (startsOwn && GraphOf(operation) is { } graph)
        {
            var regions = RegionAnalysis.Run(graph, method, _symbols, this, CancellationToken);
            for (var i = 0; i < regions.Sites.Count && i < 64; i++)
            {
                if ((regions.OpenAtExit & (1UL << i)) == 0)
                {
                    continue;
                }

                var kind = regions.Sites[i].Kind;
                if (kind is not (TransactionSiteKind.DbTransaction or TransactionSiteKind.Scope)
                    || !(regions.IsHeldBeyondMethod(i) || _symbols.IsTransactionType(_symbols.ResultType(method.ReturnType))
                        || regions.IsCreatedHolderOf(i, _symbols.ResultType(method.ReturnType))))
                {
                    continue;
                }

                if (kind == TransactionSiteKind.DbTransaction || begins is null)
                {
                    begins = kind;
                }

                // Every transaction left open must enlist the same library for its calls to be atomic at the caller.
                var library = regions.Sites[i].EnlistedLibrary;
                enlisted = !enlistedDecided || enlisted == library ? library : null;
                enlistedDecided = true;
            }
        }

        // A method that ends a held transaction it began itself (begin, run, commit) leaves its caller's alone.
        return new TransactionEffect(begins, endsHeld && !startsOwn, endsParameters, enlisted, scopeOption);
    }

    /// <summary>The argument a TransactionScope constructor takes its <c>TransactionScopeOption</c> from, or null.</summary>
    internal static IOperation? ScopeOptionArgument(ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type is { Name: "TransactionScopeOption" } && argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The value passed for the parameter of the given ordinal, or null.</summary>
    internal static IOperation? ArgumentFor(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal && argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The transaction a Commit/Rollback/Dispose call ends, as written (parameter, field, property), or null.</summary>
    /// <summary>UseTransaction[Async](p), p.GetDbTransaction() or p.Transaction, with p a parameter of <paramref name="method"/>.</summary>
    private bool UsesParameterTransaction(IInvocationOperation invocation, IMethodSymbol method)
    {
        if (!invocation.TargetMethod.Name.StartsWith("UseTransaction", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (!_symbols.IsTransactionType(argument.Parameter?.Type))
            {
                continue;
            }

            var value = Strip(argument.Value);
            while (true)
            {
                if (value is IInvocationOperation { TargetMethod.Name: "GetDbTransaction" } unwrapped
                    && (unwrapped.Instance ?? (unwrapped.Arguments.Length > 0 ? unwrapped.Arguments[0].Value : null)) is { } inner)
                {
                    value = Strip(inner);
                }
                else if (value is IPropertyReferenceOperation { Instance: { } owner })
                {
                    value = Strip(owner);
                }
                else
                {
                    break;
                }
            }

            return value is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method);
        }

        return false;
    }

    private IOperation? EndedReceiver(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        var instance = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
        if (instance is null)
        {
            return null;
        }

        if (instance is IConditionalAccessInstanceOperation)
        {
            for (var parent = invocation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    instance = access.Operation;
                    break;
                }
            }
        }

        instance = Strip(instance);
        switch (name)
        {
            case "CommitTransaction" or "CommitTransactionAsync" or "RollbackTransaction" or "RollbackTransactionAsync":
                // EF Core's db.Database.CommitTransaction(): the context's current transaction.
                return _symbols.DatabaseFacade is not null && SymbolEqualityComparer.Default.Equals(instance.Type, _symbols.DatabaseFacade) ? instance : null;
            case "Commit" or "CommitAsync" or "Rollback" or "RollbackAsync" or "Dispose" or "DisposeAsync":
                if (name.StartsWith("Rollback", StringComparison.Ordinal) && invocation.Arguments.Length > 0
                    && invocation.Arguments[0].Value.Type?.SpecialType == SpecialType.System_String)
                {
                    return null; // to a savepoint
                }

                var isScope = _symbols.IsTransactionScope(instance.Type);
                return (isScope && name == "Dispose") || (!isScope && _symbols.IsTransactionType(instance.Type)) ? instance : null;
            default:
                return null;
        }
    }

    private static IEnumerable<IOperation> DescendantsOutsideLambdas(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in node.ChildOperations)
            {
                if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue;
                }

                stack.Push(child);
            }
        }
    }

    private ControlFlowGraph? GraphOf(IOperation operation) => CodeBlocks.GraphOf(operation, CancellationToken);

    /// <summary>JobSafety's own AfterCommit / AfterRollback family (known by name: the analyzers never reference the runtime).</summary>
    private static bool IsRuntimeDeferral(IMethodSymbol method)
    {
        if (!(method.Name.StartsWith("AfterCommit", StringComparison.Ordinal) || method.Name.StartsWith("AfterRollback", StringComparison.Ordinal)))
        {
            return false;
        }

        var ns = method.ContainingType?.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns?.Name == "JobSafety";
    }

    private static bool Listed(ImmutableHashSet<ISymbol> listed, IMethodSymbol method)
    {
        if (listed.IsEmpty)
        {
            return false;
        }

        // The method, what it overrides, the interface members it implements; or any of their types.
        for (var m = method; m is not null; m = m.OverriddenMethod?.OriginalDefinition)
        {
            if (listed.Contains(m) || (m.ContainingType is { } type && listed.Contains(type.OriginalDefinition)))
            {
                return true;
            }
        }

        if (method.ContainingType is { } containing)
        {
            foreach (var iface in containing.AllInterfaces)
            {
                var listedInterface = listed.Contains(iface.OriginalDefinition);
                foreach (var member in iface.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol interfaceMethod
                        && (listedInterface || listed.Contains(interfaceMethod.OriginalDefinition))
                        && SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(interfaceMethod)?.OriginalDefinition, method))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private IOperation? GetBodyOperation(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(CancellationToken);
            if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                continue;
            }

#pragma warning disable RS1030 // Summaries of callees in other files: computed once per compilation and cached.
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            var operation = model.GetOperation(syntax, CancellationToken);
            if (operation is not null)
            {
                return operation;
            }
        }

        return null;
    }

    /// <summary>Source interface/abstract methods and their implementations in this compilation, built once.</summary>
    private sealed class ImplementationIndex
    {
        private readonly List<INamedTypeSymbol> _types;
        private readonly ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> _cache = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>> _all = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> _innerCache = new(SymbolEqualityComparer.Default);

        public ImplementationIndex(Compilation compilation)
        {
            _types = SourceText.TypesOf(compilation.Assembly);
        }

        public IMethodSymbol? SingleImplementation(IMethodSymbol method) => _cache.GetOrAdd(method, called => Find(called, undecorated: false));

        /// <summary>The one implementation that is not a decorator: what a decorator's call on its inner object runs.</summary>
        public IMethodSymbol? SingleUndecoratedImplementation(IMethodSymbol method) => _innerCache.GetOrAdd(method, called => Find(called, undecorated: true));

        private IMethodSymbol? Find(IMethodSymbol called, bool undecorated)
        {
            var m = called.OriginalDefinition;
            IMethodSymbol? single = null;
            var several = false;
            IMethodSymbol? decorator = null;
            var decorators = 0;
            foreach (var type in _types)
            {
                if (type.IsAbstract || type.TypeKind != TypeKind.Class)
                {
                    continue;
                }

                IMethodSymbol? implementation = null;
                INamedTypeSymbol? implemented = null;
                if (m.ContainingType.TypeKind == TypeKind.Interface)
                {
                    foreach (var candidate in type.AllInterfaces)
                    {
                        if (!SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, m.ContainingType.OriginalDefinition)
                            || !Compatible(candidate, called.ContainingType))
                        {
                            continue;
                        }

                        foreach (var member in candidate.GetMembers(m.Name))
                        {
                            if (member is IMethodSymbol ifaceMethod && SymbolEqualityComparer.Default.Equals(ifaceMethod.OriginalDefinition, m)
                                && type.FindImplementationForInterfaceMember(ifaceMethod) is IMethodSymbol found)
                            {
                                if (implementation is not null && !SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, found.OriginalDefinition))
                                {
                                    return null; // one type, two implementations (IHandler<A>, IHandler<B>) for an open call
                                }

                                implementation = found;
                                implemented = candidate;
                            }
                        }
                    }
                }
                else
                {
                    foreach (var member in type.GetMembers(m.Name))
                    {
                        if (member is IMethodSymbol candidate && Overrides(candidate, m, called.ContainingType))
                        {
                            implementation = candidate;
                            break;
                        }
                    }
                }

                if (implementation is null || !SideEffectCatalog.IsInSource(implementation))
                {
                    continue;
                }

                if (implemented is not null && Decorates(type, implemented))
                {
                    decorators++;
                    decorator = implementation.OriginalDefinition;
                    if (undecorated)
                    {
                        continue;
                    }
                }

                if (single is not null && !SymbolEqualityComparer.Default.Equals(single, implementation.OriginalDefinition))
                {
                    several = true; // several implementations: we cannot know which one runs...
                }

                single ??= implementation.OriginalDefinition;
            }

            // ...unless exactly one of them decorates the others (takes the interface in its constructor and wraps it,
            // `CachedRepository(IRepository<T> inner)`): that is the one the container hands out.
            if (!several || undecorated)
            {
                return several ? null : single;
            }

            return decorators == 1 ? decorator : null;
        }

        private static bool Decorates(INamedTypeSymbol type, INamedTypeSymbol implemented)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, implemented))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Implementations of MediatR's (or Mediator's) <c>Handle</c> for a published notification or a sent request type.</summary>
        public ImmutableArray<IMethodSymbol> MediatorHandlers(INamedTypeSymbol message, bool notification)
        {
            var builder = ImmutableArray.CreateBuilder<IMethodSymbol>();
            foreach (var type in _types)
            {
                if (type.IsAbstract || type.TypeKind != TypeKind.Class)
                {
                    continue;
                }

                foreach (var candidate in type.AllInterfaces)
                {
                    if (candidate.TypeArguments.Length == 0
                        || candidate.Name != (notification ? "INotificationHandler" : "IRequestHandler")
                        || candidate.ContainingNamespace is not { Name: "MediatR" or "Mediator", ContainingNamespace.IsGlobalNamespace: true }
                        || candidate.TypeArguments[0] is not INamedTypeSymbol handled
                        || !(SymbolEqualityComparer.Default.Equals(handled, message) || (notification && IsSupertype(handled, message))))
                    {
                        continue;
                    }

                    foreach (var member in candidate.GetMembers("Handle"))
                    {
                        if (member is IMethodSymbol handle && type.FindImplementationForInterfaceMember(handle) is IMethodSymbol found
                            && SideEffectCatalog.IsInSource(found) && !builder.Contains(found.OriginalDefinition, SymbolEqualityComparer.Default))
                        {
                            builder.Add(found.OriginalDefinition);
                        }
                    }
                }
            }

            return builder.ToImmutable();
        }

        private static bool IsSupertype(INamedTypeSymbol candidate, INamedTypeSymbol type)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, candidate))
                {
                    return true;
                }
            }

            foreach (var iface in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(iface, candidate))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Every source implementation of an interface method (a library interface included), counted for the constructed
        /// interface the call is made on, as <see cref="SingleImplementation"/> does.
        /// </summary>
        public ImmutableArray<IMethodSymbol> SourceImplementations(IMethodSymbol method) =>
            _all.GetOrAdd(method.ReducedFrom ?? method, called =>
            {
                var m = called.OriginalDefinition;
                if (m.ContainingType is not { TypeKind: TypeKind.Interface } iface)
                {
                    return ImmutableArray<IMethodSymbol>.Empty;
                }

                var found = ImmutableArray.CreateBuilder<IMethodSymbol>();
                foreach (var type in _types)
                {
                    if (type.IsAbstract || type.TypeKind != TypeKind.Class)
                    {
                        continue;
                    }

                    foreach (var candidate in type.AllInterfaces)
                    {
                        if (!SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, iface.OriginalDefinition)
                            || !Compatible(candidate, called.ContainingType))
                        {
                            continue;
                        }

                        foreach (var member in candidate.GetMembers(m.Name))
                        {
                            if (member is IMethodSymbol ifaceMethod && SymbolEqualityComparer.Default.Equals(ifaceMethod.OriginalDefinition, m)
                                && type.FindImplementationForInterfaceMember(ifaceMethod) is IMethodSymbol implementation
                                && SideEffectCatalog.IsInSource(implementation)
                                && !found.Contains(implementation.OriginalDefinition, SymbolEqualityComparer.Default))
                            {
                                found.Add(implementation.OriginalDefinition);
                            }
                        }
                    }
                }

                return found.ToImmutable();
            });

        /// <summary>
        /// Can an implemented interface (or base class) be the one a call is made on? Equal type arguments, or a type
        /// parameter on either side (a generic implementation, or a call from generic code).
        /// </summary>
        private static bool Compatible(INamedTypeSymbol implemented, INamedTypeSymbol? called)
        {
            if (called is null || !called.IsGenericType || called.TypeArguments.Length != implemented.TypeArguments.Length)
            {
                return true;
            }

            for (var i = 0; i < called.TypeArguments.Length; i++)
            {
                var a = implemented.TypeArguments[i];
                var b = called.TypeArguments[i];
                if (!SymbolEqualityComparer.Default.Equals(a, b) && !MentionsTypeParameter(a) && !MentionsTypeParameter(b))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool MentionsTypeParameter(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            IArrayTypeSymbol array => MentionsTypeParameter(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(MentionsTypeParameter),
            _ => type.TypeKind == TypeKind.Error,
        };

        private static bool Overrides(IMethodSymbol candidate, IMethodSymbol target, INamedTypeSymbol? called)
        {
            for (var m = candidate.OverriddenMethod; m is not null; m = m.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, target))
                {
                    return Compatible(m.ContainingType, called);
                }
            }

            return false;
        }
    }

    private sealed class HandlerKeyComparer : IEqualityComparer<(INamedTypeSymbol Message, bool Publish)>
    {
        public static readonly HandlerKeyComparer Instance = new();

        public bool Equals((INamedTypeSymbol Message, bool Publish) x, (INamedTypeSymbol Message, bool Publish) y) =>
            x.Publish == y.Publish && SymbolEqualityComparer.Default.Equals(x.Message, y.Message);

        public int GetHashCode((INamedTypeSymbol Message, bool Publish) obj) =>
            (SymbolEqualityComparer.Default.GetHashCode(obj.Message) * 397) ^ (obj.Publish ? 1 : 0);
    }
}
