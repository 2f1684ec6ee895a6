using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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
            start.RegisterSyntaxTreeAction(treeContext => Guard.Run(() =>
            {
                var tree = treeContext.Tree;
                if (!compilation.ContainsSyntaxTree(tree))
                {
                    return;
                }

                // Each occurrence of a job method's name in the text, looked up in the tree: no walk over the whole tree
                // (an ordinary file with a queue.Enqueue(...) costs a text search and one token lookup).
                var text = tree.GetText(treeContext.CancellationToken).ToString();
                SyntaxNode? root = null;
                SemanticModel? model = null;
                foreach (var name in names)
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
                                Analyze(treeContext.ReportDiagnostic, operation, jobTypes, boundTypes, expressionType);
                            }
                        });
                    }
                }
            }));
        });
    }

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
        var token = root.FindToken(position);
        if (token.SpanStart != position || token.ValueText != name || token.Parent is not SimpleNameSyntax simple)
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

    private static void Analyze(Action<Diagnostic> report, IInvocationOperation invocation, ImmutableArray<INamedTypeSymbol> jobTypes, ImmutableArray<INamedTypeSymbol> boundTypes, INamedTypeSymbol expressionType)
    {
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
                    ReportBoundReferences(report, jobArgument.Value, jobCall, boundTypes, function);
                }
            }
        }
    }

    /// <summary>
    /// Hangfire evaluates each argument of the job method when the job is created and serializes the
    /// value: <c>Process(db.Orders.Count())</c> passes a number, <c>Process(conn)</c> passes the connection.
    /// So the argument's own type is what matters.
    /// </summary>
    private static void ReportBoundReferences(Action<Diagnostic> report, IOperation value, IInvocationOperation jobCall, ImmutableArray<INamedTypeSymbol> boundTypes, IAnonymousFunctionOperation function)
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
        report(Diagnostic.Create(DiagnosticDescriptors.ConnectionBoundJobArgument, value.Syntax.GetLocation(), message));
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
