using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// The transaction types and methods the region model recognises, resolved once per compilation.
/// Recognition is by symbol: a method named <c>BeginTransaction</c> on an unrelated type is not a start.
/// </summary>
internal sealed class TransactionSymbols
{
    private TransactionSymbols(Compilation compilation)
    {
        TransactionScope = compilation.GetTypeByMetadataName("System.Transactions.TransactionScope");
        ExpressionOfT = compilation.GetTypeByMetadataName("System.Linq.Expressions.Expression`1");
        DatabaseFacade = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
        ExecutionStrategyExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ExecutionStrategyExtensions");
        DbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        TransactionInterceptor = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Diagnostics.IDbTransactionInterceptor");
        NHibernateInterceptor = compilation.GetTypeByMetadataName("NHibernate.IInterceptor");
        CapPublisher = compilation.GetTypeByMetadataName("DotNetCore.CAP.ICapPublisher");
        MongoSession = compilation.GetTypeByMetadataName("MongoDB.Driver.IClientSessionHandle");
        AbpUnitOfWorkManager = compilation.GetTypeByMetadataName("Volo.Abp.Uow.IUnitOfWorkManager");
        AbpUnitOfWork = compilation.GetTypeByMetadataName("Volo.Abp.Uow.IUnitOfWork");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");

        var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in new[]
        {
            "System.Data.IDbTransaction",
            "System.Data.Common.DbTransaction",
            "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction",
            "NHibernate.ITransaction",
            "System.Data.Entity.DbContextTransaction",
            "DotNetCore.CAP.ICapTransaction",
        })
        {
            types.AddRange(WellKnown.GetTypes(compilation, name));
        }

        TransactionTypes = types.ToImmutable();

        var connections = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in new[] { "System.Data.IDbConnection", "System.Data.Common.DbConnection", "NHibernate.ISession", "NHibernate.IStatelessSession" })
        {
            connections.AddRange(WellKnown.GetTypes(compilation, name));
        }

        if (DatabaseFacade is not null)
        {
            connections.Add(DatabaseFacade);
        }

        ConnectionTypes = connections.ToImmutable();
    }

    public INamedTypeSymbol? TransactionScope { get; }

    public INamedTypeSymbol? ExpressionOfT { get; }

    public INamedTypeSymbol? DatabaseFacade { get; }

    public INamedTypeSymbol? ExecutionStrategyExtensions { get; }

    public INamedTypeSymbol? DbContext { get; }

    /// <summary>EF Core's IDbTransactionInterceptor: its TransactionCommitted/RolledBack callbacks run after the end.</summary>
    public INamedTypeSymbol? TransactionInterceptor { get; }

    /// <summary>NHibernate's IInterceptor: its AfterTransactionCompletion(ITransaction) runs after the commit or rollback.</summary>
    public INamedTypeSymbol? NHibernateInterceptor { get; }

    public INamedTypeSymbol? CapPublisher { get; }

    /// <summary>MongoDB's session: <c>StartTransaction()</c> opens a transaction on it, Commit/AbortTransaction[Async] or Dispose ends it.</summary>
    public INamedTypeSymbol? MongoSession { get; }

    /// <summary>ABP's unit-of-work manager: <c>Begin(isTransactional: true)</c> opens a database transaction until the unit completes.</summary>
    public INamedTypeSymbol? AbpUnitOfWorkManager { get; }

    /// <summary>ABP's unit of work: <c>Complete[Async]</c>, <c>Rollback[Async]</c> or <c>Dispose</c> ends its transaction.</summary>
    public INamedTypeSymbol? AbpUnitOfWork { get; }

    public bool IsAbpUnitOfWork(ITypeSymbol? type) => type is not null && AbpUnitOfWork is not null && IsOrInherits(type, ImmutableArray.Create(AbpUnitOfWork));

    /// <summary>
    /// <c>_unitOfWorkManager.Begin(requiresNew: true, isTransactional: true)</c> (ABP's extension or the manager's own
    /// <c>Begin(new AbpUnitOfWorkOptions { IsTransactional = true })</c>). A unit begun without saying it is transactional is
    /// not (ABP's default), and ABP's implicit units of work (application services, [UnitOfWork]) are not seen at all.
    /// </summary>
    public bool IsAbpTransactionalBegin(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        if (AbpUnitOfWorkManager is null || method.Name != "Begin" || !IsAbpUnitOfWork(invocation.Type))
        {
            return false;
        }

        var receiver = invocation.Instance?.Type ?? (method.IsExtensionMethod && method.Parameters.Length > 0 ? method.Parameters[0].Type : null);
        if (receiver is null || !IsOrInherits(receiver, ImmutableArray.Create(AbpUnitOfWorkManager)))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "isTransactional" && argument.Value.ConstantValue is { HasValue: true, Value: true })
            {
                return true;
            }

            var value = argument.Value;
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value.Type is { Name: "AbpUnitOfWorkOptions" } && value is not IObjectCreationOperation
                && value.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax { Initializer: { } written })
            {
                // In the flow graph the options object is a capture and its initializer separate statements: read the syntax.
                foreach (var expression in written.Expressions)
                {
                    if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax
                        {
                            Left: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "IsTransactional" },
                            Right: Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal,
                        } && literal.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.TrueLiteralExpression))
                    {
                        return true;
                    }
                }
            }

            if (value is IObjectCreationOperation { Type.Name: "AbpUnitOfWorkOptions" } options)
            {
                foreach (var constructorArgument in options.Arguments)
                {
                    if (constructorArgument.Parameter?.Name == "isTransactional" && constructorArgument.Value.ConstantValue is { HasValue: true, Value: true })
                    {
                        return true;
                    }
                }

                if (options.Initializer is { } initializer)
                {
                    foreach (var member in initializer.Initializers)
                    {
                        if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "IsTransactional" }, Value.ConstantValue: { HasValue: true, Value: true } })
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    public bool IsMongoSession(ITypeSymbol? type) => type is not null && MongoSession is not null && IsOrInherits(type, ImmutableArray.Create(MongoSession));

    public bool IsCapPublisher(ITypeSymbol? type) => type is not null && CapPublisher is not null && IsOrInherits(type, ImmutableArray.Create(CapPublisher));

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? ValueTask { get; }

    /// <summary>DbTransaction, IDbTransaction, IDbContextTransaction, NHibernate ITransaction, CAP ICapTransaction.</summary>
    public ImmutableArray<INamedTypeSymbol> TransactionTypes { get; }

    /// <summary>Types whose <c>BeginTransaction</c> starts a database transaction.</summary>
    public ImmutableArray<INamedTypeSymbol> ConnectionTypes { get; }

    /// <summary>False when the compilation can open no transaction we know: then no flow analysis at all.</summary>
    public bool IsValid => TransactionScope is not null || !TransactionTypes.IsEmpty || MongoSession is not null || AbpUnitOfWorkManager is not null;

    public static TransactionSymbols Create(Compilation compilation) => new(compilation);

    public bool IsTransactionType(ITypeSymbol? type)
    {
        if (type is null || TransactionTypes.IsEmpty)
        {
            return false;
        }

        return IsOrInherits(type, TransactionTypes);
    }

    public bool IsConnectionType(ITypeSymbol? type) => type is not null && IsOrInherits(type, ConnectionTypes);

    public bool IsDbContext(ITypeSymbol? type) => type is not null && DbContext is not null && IsOrInherits(type, ImmutableArray.Create(DbContext));

    public bool IsTransactionScope(ITypeSymbol? type) =>
        type is not null && TransactionScope is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, TransactionScope);

    public bool IsExpressionTree(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && ExpressionOfT is not null && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ExpressionOfT);

    /// <summary>The type a call returns, looking through Task&lt;T&gt; and ValueTask&lt;T&gt;.</summary>
    public ITypeSymbol? ResultType(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Task)
                || SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ValueTask)))
        {
            return named.TypeArguments[0];
        }

        return type;
    }

    private static bool IsOrInherits(ITypeSymbol type, ImmutableArray<INamedTypeSymbol> targets)
    {
        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                if (IsOrInherits(constraint, targets))
                {
                    return true;
                }
            }

            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var target in targets)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, target))
                {
                    return true;
                }
            }
        }

        foreach (var iface in type.AllInterfaces)
        {
            foreach (var target in targets)
            {
                if (SymbolEqualityComparer.Default.Equals(iface.OriginalDefinition, target))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
