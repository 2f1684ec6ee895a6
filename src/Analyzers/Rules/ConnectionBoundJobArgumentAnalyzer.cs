using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
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
    };

    private static readonly string[] ConnectionBoundTypes =
    {
        "System.Data.IDbConnection",
        "System.Data.IDbTransaction",
        "System.Data.Common.DbConnection",
        "System.Data.Common.DbTransaction",
        "System.Data.Common.DbDataSource",
        "Microsoft.EntityFrameworkCore.DbContext",
        "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction",
        "System.Transactions.TransactionScope",
        "System.Transactions.Transaction",
        "NHibernate.ISession",
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

            start.RegisterOperationAction(
                operationContext => Guard.Run(() => Analyze(operationContext, jobTypes, boundTypes, expressionType)),
                OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ImmutableArray<INamedTypeSymbol> jobTypes, ImmutableArray<INamedTypeSymbol> boundTypes, INamedTypeSymbol expressionType)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
        if (!IsOneOf(method.ContainingType, jobTypes))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Type is not INamedTypeSymbol { IsGenericType: true } parameterType
                || !SymbolEqualityComparer.Default.Equals(parameterType.OriginalDefinition, expressionType))
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

            foreach (var node in function.Body.Descendants())
            {
                if (node is not IInvocationOperation jobCall)
                {
                    continue;
                }

                foreach (var jobArgument in jobCall.Arguments)
                {
                    ReportBoundReferences(context, jobArgument.Value, jobCall, boundTypes, function);
                }
            }
        }
    }

    /// <summary>
    /// Hangfire evaluates each argument of the job method when the job is created and serializes the
    /// value: <c>Process(db.Orders.Count())</c> passes a number, <c>Process(conn)</c> passes the connection.
    /// So the argument's own type is what matters.
    /// </summary>
    private static void ReportBoundReferences(OperationAnalysisContext context, IOperation value, IInvocationOperation jobCall, ImmutableArray<INamedTypeSymbol> boundTypes, IAnonymousFunctionOperation function)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value.Type is null || !IsConnectionBound(value.Type, boundTypes, out var kind))
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

        var job = (jobCall.TargetMethod.ContainingType?.Name is { } typeName ? typeName + "." : string.Empty) + jobCall.TargetMethod.Name;
        var message = $"'{name}' ({kind}) is passed to the background job '{job}': the job runs later, on another thread or server, where this {kind} is closed, disposed or serialized into garbage. Pass the identifiers the job needs and let the job open its own connection.";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ConnectionBoundJobArgument, value.Syntax.GetLocation(), message));
    }

    private static bool IsLambdaParameter(IParameterSymbol parameter, IAnonymousFunctionOperation function) =>
        SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function.Symbol);

    private static bool IsConnectionBound(ITypeSymbol type, ImmutableArray<INamedTypeSymbol> boundTypes, out string kind)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsOneOf(current as INamedTypeSymbol, boundTypes))
            {
                kind = current.Name;
                return true;
            }
        }

        foreach (var iface in type.AllInterfaces)
        {
            if (IsOneOf(iface, boundTypes))
            {
                kind = iface.Name;
                return true;
            }
        }

        kind = string.Empty;
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
