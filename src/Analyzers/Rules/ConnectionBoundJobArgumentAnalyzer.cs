using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using JobSafety.Analyzers.SideEffects;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Rules;

/// <summary>
/// JS0005: a DbConnection, DbTransaction, DbContext or TransactionScope (or a provider subtype) passed
/// to a Hangfire background job as an argument of the job method, or captured by the job expression.
/// The job runs later, elsewhere: the object is disposed, bound to another thread, or serialized into
/// something useless. Independent of transactions: reported wherever the job is created.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConnectionBoundJobArgumentAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] JobTypes =
    {
        "Hangfire.BackgroundJob",
        "Hangfire.IBackgroundJobClient",
        "Hangfire.BackgroundJobClientExtensions",
        "Hangfire.RecurringJob",
        "Hangfire.RecurringJobManagerExtensions",
        "Hangfire.IRecurringJobManager",
        "Hangfire.Common.Job", // Job.FromExpression(() => ...), handed to IRecurringJobManager.AddOrUpdate or IBackgroundJobClient.Create
    };

    private static readonly string[] ConnectionBoundTypes =
    {
        "System.Data.IDbConnection",
        "System.Data.IDbTransaction",
        "System.Data.Common.DbConnection",
        "System.Data.Common.DbTransaction",
        "System.Data.Common.DbDataSource",
        "System.Data.IDbCommand", // a command holds its connection and transaction
        "System.Data.Common.DbCommand",
        "System.Data.IDataReader", // a reader reads from an open connection (a DataTable or DataSet is disconnected: not here)
        "System.Data.Common.DbDataReader",
        "Microsoft.EntityFrameworkCore.DbContext",
        "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction",
        "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade", // db.Database
        "Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry", // an entry of the change tracker (audit code), and EntityEntry<T>
        "System.Transactions.TransactionScope",
        "System.Transactions.Transaction",
        "NHibernate.ISession",
        "NHibernate.IStatelessSession",
        "NHibernate.ITransaction",
        "System.Data.Entity.DbContext", // EF6
        "System.Data.Entity.DbContextTransaction",
        "System.Data.Entity.Core.Objects.ObjectContext",
        "System.Data.Linq.DataContext", // LINQ to SQL
        "MongoDB.Driver.IClientSessionHandle",
    };

    /// <summary>
    /// Members whose type marks an interface as the abstraction of a DbContext (<c>IApplicationDbContext</c> with its
    /// <c>DbSet&lt;T&gt;</c> properties): such an interface is as connection-bound as the context behind it.
    /// </summary>
    private static readonly string[] ContextMemberTypes =
    {
        "Microsoft.EntityFrameworkCore.DbSet`1",
        "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade",
        "System.Data.Entity.DbSet`1",
        "System.Data.Entity.IDbSet`1",
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ConnectionBoundJobArgument);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Without a reference to Hangfire.Core (most projects) not even a type lookup.
            if (!ReferencesHangfire(start.Compilation))
            {
                return;
            }

            var jobTypes = Resolve(start.Compilation, JobTypes);
            if (jobTypes.IsEmpty)
            {
                return; // no Hangfire: no work at all
            }

            var boundTypes = Resolve(start.Compilation, ConnectionBoundTypes);
            var expressionType = start.Compilation.GetTypeByMetadataName("System.Linq.Expressions.Expression`1");
            if (boundTypes.IsEmpty || expressionType is null)
            {
                return;
            }

            // The names of the job-creating methods that take an expression (Enqueue, Schedule, AddOrUpdate...). A file
            // that never calls one by name costs a text scan; no method body is bound for it (see SideEffectInTransactionAnalyzer).
            var names = JobMethodNames(jobTypes, expressionType);
            if (names.Count == 0)
            {
                return;
            }

            var compilation = start.Compilation;
            var symbols = new JobSymbols(compilation, jobTypes, boundTypes, Resolve(compilation, ContextMemberTypes), expressionType, names);
            start.RegisterSyntaxTreeAction(treeContext => Guard.Run(() =>
            {
                var tree = treeContext.Tree;
                if (!compilation.ContainsSyntaxTree(tree))
                {
                    return;
                }

                // Each occurrence of a job method's name (or of a project wrapper's name) in the text, looked up in the tree:
                // no walk over the whole tree (an ordinary file with a queue.Enqueue(...) costs a text search and one token lookup).
                var text = tree.GetText(treeContext.CancellationToken).ToString();
                SyntaxNode? root = null;
                SemanticModel? model = null;
                foreach (var name in symbols.Wrappers(treeContext.CancellationToken).Names)
                {
                    for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
                    {
                        root ??= tree.GetRoot(treeContext.CancellationToken);
                        var invocation = CandidateAt(root, at, name);
                        if (invocation is null || (treeContext.FilterSpan is { } filter && !filter.IntersectsWith(invocation.Span)))
                        {
                            continue;
                        }

                        Guard.Run(() =>
                        {
#pragma warning disable RS1030 // On purpose: only the few candidate calls are bound; the driver hands out the same cached model.
                            model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                            if (model.GetOperation(invocation, treeContext.CancellationToken) is IInvocationOperation operation)
                            {
                                Analyze(treeContext.ReportDiagnostic, operation, symbols, treeContext.CancellationToken);
                            }
                        });
                    }
                }
            }));
        });
    }

    /// <summary>The symbols JS0005 matches, resolved once per compilation, and the project's own job wrappers (found on first use).</summary>
    private sealed class JobSymbols
    {
        private readonly Compilation _compilation;
        private readonly HashSet<string> _hangfireNames;
        private WrapperIndex? _wrappers;
        private readonly object _gate = new();

        public JobSymbols(Compilation compilation, ImmutableArray<INamedTypeSymbol> jobTypes, ImmutableArray<INamedTypeSymbol> boundTypes, ImmutableArray<INamedTypeSymbol> contextMemberTypes, INamedTypeSymbol expressionType, HashSet<string> names)
        {
            _compilation = compilation;
            JobTypes = jobTypes;
            BoundTypes = boundTypes;
            ContextMemberTypes = contextMemberTypes;
            ExpressionType = expressionType;
            _hangfireNames = names;
        }

        public ImmutableArray<INamedTypeSymbol> JobTypes { get; }

        public ImmutableArray<INamedTypeSymbol> BoundTypes { get; }

        public ImmutableArray<INamedTypeSymbol> ContextMemberTypes { get; }

        public INamedTypeSymbol ExpressionType { get; }

        /// <summary>
        /// Interfaces declared in this compilation, where every class of the compilation implementing one is connection-bound
        /// (`AppDbContext : DbContext, IApplicationDbContext` and no other implementation), minus the interfaces the library
        /// base class already has (IDisposable, ...). Built on first use from the declared types (no method body is bound).
        /// </summary>
        public HashSet<ITypeSymbol> ContextInterfaces
        {
            get
            {
                if (Volatile.Read(ref _contextInterfaces) is { } built)
                {
                    return built;
                }

                var index = Guard.Run(() => BuildContextInterfaces(), new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
                Interlocked.CompareExchange(ref _contextInterfaces, index, null);
                return _contextInterfaces!;
            }
        }

        private HashSet<ITypeSymbol>? _contextInterfaces;

        private HashSet<ITypeSymbol> BuildContextInterfaces()
        {
            var implementedByBound = new Dictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
            foreach (var type in SourceText.TypesOf(_compilation.Assembly))
            {
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
                {
                    continue;
                }

                // The nearest library base that is connection-bound (DbContext, IdentityDbContext<T>...): its interfaces are its own.
                INamedTypeSymbol? boundBase = null;
                for (var current = type.BaseType; current is not null; current = current.BaseType)
                {
                    if (IsOneOf(current, BoundTypes))
                    {
                        boundBase = current;
                        break;
                    }
                }

                foreach (var iface in type.AllInterfaces)
                {
                    // Only the project's own interfaces: one from another assembly may have implementations we do not see.
                    var key = iface.OriginalDefinition;
                    if (!SymbolEqualityComparer.Default.Equals(key.ContainingAssembly, _compilation.Assembly))
                    {
                        continue;
                    }

                    if (boundBase is not null && boundBase.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, key)))
                    {
                        continue;
                    }

                    implementedByBound[key] = boundBase is not null && (!implementedByBound.TryGetValue(key, out var soFar) || soFar);
                }
            }

            var result = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var pair in implementedByBound)
            {
                if (pair.Value)
                {
                    result.Add(pair.Key);
                }
            }

            return result;
        }

        public WrapperIndex Wrappers(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _wrappers) is { } built)
            {
                return built;
            }

            lock (_gate)
            {
                if (_wrappers is null)
                {
                    // Not cached on cancellation (the exception propagates before the assignment); a failure caches Hangfire's names only.
                    var index = Guard.Run(() => WrapperIndex.Build(_compilation, this, _hangfireNames, cancellationToken), null)
                        ?? new WrapperIndex(new HashSet<string>(_hangfireNames, StringComparer.Ordinal), new Dictionary<IMethodSymbol, HashSet<int>>(SymbolEqualityComparer.Default));
                    Volatile.Write(ref _wrappers, index);
                }

                return _wrappers!;
            }
        }
    }

    /// <summary>
    /// The project's own methods that hand a job expression they were given to Hangfire (<c>IJobService.Enqueue(Expression&lt;Func&lt;Task&gt;&gt; call)
    /// => BackgroundJob.Enqueue(call)</c>), with the interface and base methods they implement, and the ordinals of the
    /// forwarded parameters. A call through one creates a Hangfire job like a direct call.
    /// </summary>
    private sealed class WrapperIndex
    {
        public WrapperIndex(HashSet<string> names, Dictionary<IMethodSymbol, HashSet<int>> forwarded)
        {
            Names = names;
            Forwarded = forwarded;
        }

        /// <summary>Hangfire's job method names and the wrappers' names: the text pre-filter of every file.</summary>
        public HashSet<string> Names { get; }

        /// <summary>Wrapper methods (original definitions) and the ordinals of their parameters that reach Hangfire.</summary>
        public Dictionary<IMethodSymbol, HashSet<int>> Forwarded { get; }

        public bool TryGetForwarded(IMethodSymbol method, out HashSet<int> ordinals) => Forwarded.TryGetValue(method.OriginalDefinition, out ordinals!);

        /// <summary>
        /// Files that mention <c>Expression&lt;</c> and a candidate name are parsed; a method with a parameter whose type is
        /// written <c>Expression&lt;...&gt;</c> and whose body calls a candidate name with that parameter as an argument is bound,
        /// and kept when the call is a Hangfire job method (or an already known wrapper) taking it as its expression. Repeated
        /// for wrappers of wrappers, at most three rounds. Only the matching methods are bound.
        /// </summary>
        public static WrapperIndex Build(Compilation compilation, JobSymbols symbols, HashSet<string> hangfireNames, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(hangfireNames, StringComparer.Ordinal);
            var forwarded = new Dictionary<IMethodSymbol, HashSet<int>>(SymbolEqualityComparer.Default);
            var index = new WrapperIndex(names, forwarded);

            var candidates = new List<(SyntaxTree Tree, BaseMethodDeclarationSyntax Method, ParameterSyntax Parameter, int Ordinal)>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = tree.GetText(cancellationToken).ToString();
                if (text.IndexOf("Expression<", StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                foreach (var method in tree.GetRoot(cancellationToken).DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<BaseMethodDeclarationSyntax>())
                {
                    var parameters = method.ParameterList.Parameters;
                    for (var i = 0; i < parameters.Count; i++)
                    {
                        if (parameters[i].Type is { } type && IsWrittenAsExpression(type))
                        {
                            candidates.Add((tree, method, parameters[i], i));
                        }
                    }
                }
            }

            var models = new Dictionary<SyntaxTree, SemanticModel>();
            for (var round = 0; round < 3 && candidates.Count > 0; round++)
            {
                var found = false;
                for (var c = candidates.Count - 1; c >= 0; c--)
                {
                    var (tree, method, parameter, ordinal) = candidates[c];
                    var body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
                    if (body is null)
                    {
                        candidates.RemoveAt(c);
                        continue;
                    }

                    var name = parameter.Identifier.ValueText;
                    foreach (var call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                    {
                        if (!names.Contains(CalledName(call)) || !PassesIdentifier(call, name))
                        {
                            continue;
                        }

                        if (!models.TryGetValue(tree, out var model))
                        {
#pragma warning disable RS1030 // Only the few methods that forward an expression parameter are bound.
                            model = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                            models[tree] = model;
                        }

                        if (model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol declared
                            || ordinal >= declared.Parameters.Length
                            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation
                            || !ForwardsToJob(operation, declared.Parameters[ordinal], symbols, index))
                        {
                            continue;
                        }

                        index.Add(declared, ordinal);
                        candidates.RemoveAt(c);
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    break;
                }
            }

            return index;
        }

        private void Add(IMethodSymbol wrapper, int ordinal)
        {
            AddOne(wrapper, ordinal);

            // The interface or base method the call sites see (IJobService.Enqueue, implemented in another class).
            foreach (var explicitImplementation in wrapper.ExplicitInterfaceImplementations)
            {
                AddOne(explicitImplementation, ordinal);
            }

            for (var overridden = wrapper.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                AddOne(overridden, ordinal);
            }

            if (wrapper.ContainingType is { } type)
            {
                foreach (var iface in type.AllInterfaces)
                {
                    foreach (var member in iface.GetMembers(wrapper.Name))
                    {
                        if (member is IMethodSymbol interfaceMethod && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod), wrapper))
                        {
                            AddOne(interfaceMethod, ordinal);
                        }
                    }
                }
            }
        }

        private void AddOne(IMethodSymbol method, int ordinal)
        {
            var key = method.OriginalDefinition;
            if (!Forwarded.TryGetValue(key, out var ordinals))
            {
                ordinals = new HashSet<int>();
                Forwarded[key] = ordinals;
            }

            ordinals.Add(ordinal);
            Names.Add(method.Name);
        }

        private static bool IsWrittenAsExpression(TypeSyntax type)
        {
            var name = type switch
            {
                NullableTypeSyntax nullable => nullable.ElementType,
                _ => type,
            };
            if (name is QualifiedNameSyntax qualified)
            {
                name = qualified.Right;
            }
            else if (name is AliasQualifiedNameSyntax alias)
            {
                name = alias.Name;
            }

            return name is GenericNameSyntax { Identifier.ValueText: "Expression" };
        }

        private static string CalledName(InvocationExpressionSyntax call) => call.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };

        private static bool PassesIdentifier(InvocationExpressionSyntax call, string name)
        {
            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (argument.Expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ForwardsToJob(IInvocationOperation call, IParameterSymbol parameter, JobSymbols symbols, WrapperIndex index)
        {
            var target = (call.TargetMethod.ReducedFrom ?? call.TargetMethod).OriginalDefinition;
            var isHangfire = IsOneOf(target.ContainingType, symbols.JobTypes);
            HashSet<int>? ordinals = null;
            if (!isHangfire && !index.TryGetForwarded(target, out ordinals))
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                var value = argument.Value;
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (value is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter) || argument.Parameter is null)
                {
                    continue;
                }

                if (isHangfire ? IsExpression(argument.Parameter.Type, symbols.ExpressionType) : ordinals!.Contains(argument.Parameter.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static bool IsExpression(ITypeSymbol type, INamedTypeSymbol expressionType) =>
        type is INamedTypeSymbol { IsGenericType: true } named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, expressionType);

    private static bool ReferencesHangfire(Compilation compilation)
    {
        if (compilation.AssemblyName == "Hangfire.Core")
        {
            return true;
        }

        foreach (var identity in compilation.ReferencedAssemblyNames)
        {
            if (identity.Name == "Hangfire.Core")
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<string> JobMethodNames(ImmutableArray<INamedTypeSymbol> jobTypes, INamedTypeSymbol expressionType)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in jobTypes)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is not IMethodSymbol method || names.Contains(method.Name))
                {
                    continue;
                }

                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Type is INamedTypeSymbol { IsGenericType: true } named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, expressionType))
                    {
                        names.Add(method.Name);
                        break;
                    }
                }
            }
        }

        return names;
    }

    /// <summary>
    /// The call whose method name is the identifier at <paramref name="position"/>, when it is one of the job methods' names
    /// and the call has a lambda argument: <c>x.Enqueue(() => …)</c>, <c>Enqueue&lt;T&gt;(x => …)</c>, <c>x?.Schedule(…)</c>.
    /// </summary>
    private static InvocationExpressionSyntax? CandidateAt(SyntaxNode root, int position, string name)
    {
        if (SourceText.NameAt(root, position, name) is not { } simple)
        {
            return null;
        }

        var invocation = simple.Parent switch
        {
            MemberAccessExpressionSyntax member when member.Name == simple => member.Parent as InvocationExpressionSyntax,
            MemberBindingExpressionSyntax binding when binding.Name == simple => binding.Parent as InvocationExpressionSyntax,
            InvocationExpressionSyntax direct => direct,
            _ => null,
        };

        if (invocation is null || invocation.Expression is not (MemberAccessExpressionSyntax or MemberBindingExpressionSyntax or SimpleNameSyntax))
        {
            return null;
        }

        if (invocation.Expression is SimpleNameSyntax && invocation.Expression != simple)
        {
            return null;
        }

        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            var expression = argument.Expression;
            while (expression is ParenthesizedExpressionSyntax or CastExpressionSyntax)
            {
                expression = expression is ParenthesizedExpressionSyntax p ? p.Expression : ((CastExpressionSyntax)expression).Expression;
            }

            if (expression is AnonymousFunctionExpressionSyntax)
            {
                return invocation;
            }
        }

        return null;
    }

    private static void Analyze(Action<Diagnostic> report, IInvocationOperation invocation, JobSymbols symbols, CancellationToken cancellationToken)
    {
        var method = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
        var isHangfire = IsOneOf(method.ContainingType, symbols.JobTypes);
        HashSet<int>? forwarded = null;
        if (!isHangfire && !symbols.Wrappers(cancellationToken).TryGetForwarded(method, out forwarded))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter
                || !IsExpression(parameter.Type, symbols.ExpressionType)
                || (forwarded is not null && !forwarded.Contains(parameter.Ordinal)))
            {
                continue;
            }

            var lambda = argument.Value;
            while (lambda is IConversionOperation or IDelegateCreationOperation)
            {
                lambda = lambda is IConversionOperation c ? c.Operand : ((IDelegateCreationOperation)lambda).Target;
            }

            if (lambda is not IAnonymousFunctionOperation function)
            {
                continue;
            }

            // The job method is the call the expression body makes (`() => Jobs.Build(a, b)`). Hangfire evaluates its
            // arguments now and serializes the values; a call nested in an argument (`Build(Ids(db))`) runs now too and only
            // its result is passed, so its own arguments are not the job's.
            foreach (var statement in function.Body.Operations)
            {
                var value = statement switch
                {
                    IReturnOperation { ReturnedValue: { } returned } => returned,
                    IExpressionStatementOperation expression => expression.Operation,
                    _ => null,
                };
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (value is not IInvocationOperation jobCall)
                {
                    continue;
                }

                foreach (var jobArgument in jobCall.Arguments)
                {
                    // `Run(params object[] items)`: each element is serialized on its own.
                    if (jobArgument.ArgumentKind == ArgumentKind.ParamArray && jobArgument.Value is IArrayCreationOperation { Initializer: { } elements })
                    {
                        foreach (var element in elements.ElementValues)
                        {
                            ReportBoundReferences(report, element, jobCall, symbols, function);
                        }

                        continue;
                    }

                    ReportBoundReferences(report, jobArgument.Value, jobCall, symbols, function);
                }
            }
        }
    }

    /// <summary>
    /// Hangfire evaluates each argument of the job method when the job is created and serializes the
    /// value: <c>Process(db.Orders.Count())</c> passes a number, <c>Process(conn)</c> passes the connection.
    /// So the argument's own type is what matters.
    /// </summary>
    private static void ReportBoundReferences(Action<Diagnostic> report, IOperation value, IInvocationOperation jobCall, JobSymbols symbols, IAnonymousFunctionOperation function)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        // `null`, `default`, `default(DbConnection)`: nothing is passed (a placeholder the job fills itself).
        if (value.Type is null || value is IDefaultValueOperation || value.ConstantValue is { HasValue: true, Value: null }
            || !IsConnectionBound(value.Type, symbols, out var kind))
        {
            return;
        }

        if (value is IParameterReferenceOperation parameter && IsLambdaParameter(parameter.Parameter, function))
        {
            return;
        }

        var name = value switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation p => p.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            _ => value.Syntax.ToString(),
        };

        var job = (jobCall.TargetMethod.ContainingType is { } type ? SideEffectCatalog.TypeName(type) + "." : string.Empty) + jobCall.TargetMethod.Name;
        var message = $"'{name}' ({kind}) is passed to the background job '{job}': the job runs later, on another thread or server, where this {kind} is closed, disposed or serialized into garbage. Pass the identifiers the job needs and let the job open its own connection.";
        report(Diagnostic.Create(DiagnosticDescriptors.ConnectionBoundJobArgument, value.Syntax.GetLocation(), message));
    }

    private static bool IsLambdaParameter(IParameterSymbol parameter, IAnonymousFunctionOperation function) =>
        SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function.Symbol);

    private static bool IsConnectionBound(ITypeSymbol type, JobSymbols symbols, out string kind)
    {
        // A type parameter (`TContext _db` in `Repository<TContext> where TContext : DbContext`): its constraints.
        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                if (constraint is not ITypeParameterSymbol && IsConnectionBound(constraint, symbols, out kind))
                {
                    return true;
                }
            }

            kind = string.Empty;
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsOneOf(current as INamedTypeSymbol, symbols.BoundTypes))
            {
                kind = current.Name;
                return true;
            }
        }

        foreach (var iface in type.AllInterfaces)
        {
            if (IsOneOf(iface, symbols.BoundTypes))
            {
                kind = iface.Name;
                return true;
            }
        }

        // The application's abstraction of its context (`IApplicationDbContext` with `DbSet<T>` properties or a `Set<T>()`
        // method, or implemented in this compilation only by contexts): the object behind it is the DbContext. Only
        // interfaces: a class with such members that is no DbContext is matched above or not at all.
        if (type.TypeKind == TypeKind.Interface
            && ((!symbols.ContextMemberTypes.IsEmpty && (DeclaresContextMember(type, symbols) || type.AllInterfaces.Any(i => DeclaresContextMember(i, symbols))))
                || symbols.ContextInterfaces.Contains(type.OriginalDefinition)))
        {
            kind = "DbContext";
            return true;
        }

        kind = string.Empty;
        return false;
    }

    private static bool DeclaresContextMember(ITypeSymbol type, JobSymbols symbols)
    {
        foreach (var member in type.GetMembers())
        {
            var memberType = member switch
            {
                IPropertySymbol property => property.Type,
                IMethodSymbol { MethodKind: MethodKind.Ordinary } method => method.ReturnType, // DbSet<T> Set<T>()
                _ => null,
            };
            if (memberType is INamedTypeSymbol named && IsOneOf(named, symbols.ContextMemberTypes))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOneOf(INamedTypeSymbol? type, ImmutableArray<INamedTypeSymbol> types)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var candidate in types)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, string[] names)
    {
        var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in names)
        {
            builder.AddRange(WellKnown.GetTypes(compilation, name));
        }

        return builder.ToImmutable();
    }
}
