using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JobSafety.Analyzers;
using JobSafety.CodeFixes.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.CodeFixes.Rules;

/// <summary>
/// JS0001–JS0004 "Run after commit": <c>Call();</c> becomes <c>TransactionEvents.AfterCommit(() => Call());</c>
/// and <c>await CallAsync();</c> becomes <c>TransactionEvents.AfterCommit(async ct => { await CallAsync(); });</c>.
/// Offered when the JobSafety runtime is referenced and the call's result is not used.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RunAfterCommitCodeFixProvider)), Shared]
public sealed class RunAfterCommitCodeFixProvider : CodeFixProvider
{
    internal const string EquivalenceKey = "JobSafety.RunAfterCommit";
    internal const string Title = "Run after commit (TransactionEvents.AfterCommit)";
    private const string RuntimeNamespace = "JobSafety";
    private const string RuntimeTypeName = "TransactionEvents";
    private const string RuntimeMethodName = "AfterCommit";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIdentifiers.EnqueueInTransaction,
        RuleIdentifiers.MailInTransaction,
        RuleIdentifiers.HttpInTransaction,
        RuleIdentifiers.OtherSideEffectInTransaction);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    token => FixAllInDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), token),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics) =>
        await FixAllInDocumentAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false);

    private static async Task<Document> FixAllInDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is not CompilationUnitSyntax unit || model is null)
        {
            return document;
        }

        var plans = new Dictionary<StatementSyntax, Wrap>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Plan(root, model, diagnostic, cancellationToken) is { } plan && !plans.ContainsKey(plan.Flagged.Statement))
            {
                plans.Add(plan.Flagged.Statement, plan);
            }
        }

        // A statement inside another wrapped statement (a lambda body) is wrapped with it.
        var outermost = plans.Values.Where(p => !plans.Keys.Any(other => other != p.Flagged.Statement && other.Span.Contains(p.Flagged.Statement.Span))).ToList();
        if (outermost.Count == 0)
        {
            return document;
        }

        var first = outermost[0];
        var typeName = TypeNameAt(model, first.Flagged.Statement.SpanStart, first.Type, out var needsUsing);
        var newRoot = unit.ReplaceNodes(outermost.Select(p => p.Flagged.Statement), (original, _) => Rewrite(plans[original], typeName));
        if (needsUsing && newRoot is CompilationUnitSyntax newUnit)
        {
            newRoot = Usings.Add(newUnit, RuntimeNamespace);
        }

        return document.WithSyntaxRoot(newRoot);
    }

    private static Wrap? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var flagged = FlaggedStatement.Find(root, diagnostic.Location.SourceSpan);
        if (flagged is null || flagged.HasDirectives)
        {
            return null;
        }

        var type = model.Compilation.GetTypeByMetadataName(RuntimeNamespace + "." + RuntimeTypeName);
        if (type is null)
        {
            return null;
        }

        var overload = flagged.IsAwaited ? AsyncOverload(type) : SyncOverload(type);
        if (overload is null)
        {
            return null;
        }

        if (flagged.Declarator is { } declarator
            && (model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local || IsReferenced(local, flagged.Statement, model, cancellationToken)))
        {
            // The result is used: deferring the call would leave the variable unassigned.
            return null;
        }

        if (!CanMoveIntoLambda(flagged, model)
            || ReadsVariableChangedLater(flagged, diagnostic, model, cancellationToken)
            || ReadsResourceDisposedBeforeCommit(flagged, diagnostic, model, cancellationToken))
        {
            return null;
        }

        return new Wrap(flagged, type, overload.Value);
    }

    /// <summary>Whether anything other than the declaration reads or writes the local.</summary>
    private static bool IsReferenced(ILocalSymbol local, StatementSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        var scope = declaration.Parent;
        if (scope is null)
        {
            return true;
        }

        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText == local.Name
                && !declaration.Span.Contains(identifier.Span)
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lambdas cannot capture ref/out/in parameters, ref locals, ref structs or a struct's <c>this</c>; variables declared inside would go out of scope.</summary>
    private static bool CanMoveIntoLambda(FlaggedStatement flagged, SemanticModel model)
    {
        var flow = model.AnalyzeDataFlow(flagged.Expression);
        if (flow is null || !flow.Succeeded)
        {
            return false;
        }

        if (!flow.VariablesDeclared.IsEmpty)
        {
            return false; // out var / pattern variables would move into the lambda
        }

        foreach (var symbol in flow.ReadInside.Concat(flow.WrittenInside))
        {
            switch (symbol)
            {
                case IParameterSymbol { IsThis: true } self when self.Type.IsValueType:
                    return false;
                case IParameterSymbol parameter when parameter.RefKind != RefKind.None || parameter.Type.IsRefLikeType:
                    return false;
                case ILocalSymbol local when local.IsRef || local.Type.IsRefLikeType:
                    return false;
            }
        }

        return !flow.WrittenInside.Any(s => flow.ReadOutside.Contains(s) || flow.WrittenOutside.Contains(s));
    }

    /// <summary>
    /// Whether the call reads a local or parameter that is assigned after the statement, or anywhere in a loop around
    /// it that the variable outlives (a <c>for</c> counter) unless the transaction starts inside that loop's body: the
    /// deferred call would run with the value at the commit. Where the commit is is not known here, so a write after
    /// the commit counts too.
    /// </summary>
    private static bool ReadsVariableChangedLater(FlaggedStatement flagged, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        var flow = model.AnalyzeDataFlow(flagged.Expression);
        if (flow is null || !flow.Succeeded)
        {
            return true;
        }

        var variables = flow.ReadInside.Where(s => s is ILocalSymbol || s is IParameterSymbol { IsThis: false }).ToList();
        if (variables.Count == 0)
        {
            return false;
        }

        var statement = flagged.Statement;
        var start = diagnostic.AdditionalLocations.FirstOrDefault(l => l.SourceTree == statement.SyntaxTree)?.SourceSpan;
        SyntaxNode scope = statement.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member and not GlobalStatementSyntax
            ? member
            : statement.SyntaxTree.GetRoot(cancellationToken);
        var names = new HashSet<string>(variables.Select(v => v.Name));
        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (!names.Contains(identifier.Identifier.ValueText) || statement.Span.Contains(identifier.Span) || !IsWritten(identifier)
                || model.GetSymbolInfo(identifier, cancellationToken).Symbol is not { } symbol
                || !variables.Any(v => SymbolEqualityComparer.Default.Equals(v, symbol)))
            {
                continue;
            }

            if (identifier.SpanStart >= statement.Span.End)
            {
                return true;
            }

            var declaration = symbol.DeclaringSyntaxReferences.FirstOrDefault()?.Span;
            foreach (var loop in statement.Ancestors().Where(IsLoop))
            {
                var body = LoopBody(loop);
                if (start is { } begin && body is not null && body.Span.Contains(begin))
                {
                    continue; // a transaction per iteration commits before the loop moves on
                }

                if (loop.Span.Contains(identifier.Span) && (declaration is null || body is null || !body.Span.Contains(declaration.Value)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the call reads the resource of a <c>using</c> (statement or declaration) whose scope does not hold the
    /// transaction's start: the resource is disposed inside the transaction, before the deferred call runs.
    /// </summary>
    private static bool ReadsResourceDisposedBeforeCommit(FlaggedStatement flagged, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        var flow = model.AnalyzeDataFlow(flagged.Expression);
        if (flow is null || !flow.Succeeded)
        {
            return true;
        }

        var start = diagnostic.AdditionalLocations.FirstOrDefault(l => l.SourceTree == flagged.Statement.SyntaxTree)?.SourceSpan;
        foreach (var local in flow.ReadInside.OfType<ILocalSymbol>())
        {
            var declarator = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var scope = declarator?.Parent?.Parent switch
            {
                UsingStatementSyntax statement => statement,
                LocalDeclarationStatementSyntax declaration when declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) => declaration.Parent,
                _ => null,
            };
            if (scope is not null && (start is null || !scope.Span.Contains(start.Value)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoop(SyntaxNode node) =>
        node is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax;

    private static StatementSyntax? LoopBody(SyntaxNode loop) => loop switch
    {
        ForStatementSyntax f => f.Statement,
        CommonForEachStatementSyntax f => f.Statement,
        WhileStatementSyntax w => w.Statement,
        DoStatementSyntax d => d.Statement,
        _ => null,
    };

    /// <summary>An assignment target, <c>++</c>/<c>--</c> operand, <c>ref</c>/<c>out</c> argument or deconstruction target.</summary>
    private static bool IsWritten(ExpressionSyntax identifier)
    {
        SyntaxNode node = identifier;
        while (node.Parent is ParenthesizedExpressionSyntax)
        {
            node = node.Parent;
        }

        switch (node.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == node:
            case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
            case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                return true;
            case ArgumentSyntax argument when argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword):
                return true;
            case ArgumentSyntax { Parent: TupleExpressionSyntax tuple }:
                return IsWritten(tuple);
            default:
                return false;
        }
    }

    private static OverloadShape? SyncOverload(INamedTypeSymbol type) =>
        type.GetMembers(RuntimeMethodName).OfType<IMethodSymbol>().Any(m => m.IsStatic && m.Parameters.Length >= 1
            && m.Parameters.Skip(1).All(p => p.IsOptional)
            && m.Parameters[0].Type is INamedTypeSymbol { Name: "Action", Arity: 0, ContainingNamespace.Name: "System" })
            ? OverloadShape.Action
            : null;

    private static OverloadShape? AsyncOverload(INamedTypeSymbol type)
    {
        OverloadShape? found = null;
        foreach (var method in type.GetMembers(RuntimeMethodName).OfType<IMethodSymbol>())
        {
            if (!method.IsStatic || method.Parameters.Length < 1 || !method.Parameters.Skip(1).All(p => p.IsOptional)
                || method.Parameters[0].Type is not INamedTypeSymbol { Name: "Func" } func)
            {
                continue;
            }

            var returnsTask = func.TypeArguments.Last() is INamedTypeSymbol { Name: "Task", Arity: 0 };
            if (returnsTask && func.TypeArguments.Length == 2 && func.TypeArguments[0].Name == "CancellationToken")
            {
                return OverloadShape.FuncOfCancellationTokenTask;
            }

            if (returnsTask && func.TypeArguments.Length == 1)
            {
                found = OverloadShape.FuncOfTask;
            }
        }

        return found;
    }

    /// <summary><c>TransactionEvents</c> when it binds (or will, with <c>using JobSafety;</c>), else the qualified name.</summary>
    private static NameSyntax TypeNameAt(SemanticModel model, int position, INamedTypeSymbol type, out bool needsUsing)
    {
        needsUsing = false;
        var visible = model.LookupNamespacesAndTypes(position, name: RuntimeTypeName);
        if (visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], type))
        {
            return SyntaxFactory.IdentifierName(RuntimeTypeName);
        }

        if (visible.IsEmpty)
        {
            needsUsing = true;
            return SyntaxFactory.IdentifierName(RuntimeTypeName);
        }

        return SyntaxFactory.ParseName("global::" + RuntimeNamespace + "." + RuntimeTypeName);
    }

    private static StatementSyntax Rewrite(Wrap plan, NameSyntax typeName)
    {
        var flagged = plan.Flagged;
        var expression = flagged.Expression.WithoutLeadingTrivia().WithoutTrailingTrivia();
        LambdaExpressionSyntax lambda;
        if (flagged.IsAwaited)
        {
            var body = SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(expression).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space))
                .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken))
                .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken));
            var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            lambda = plan.Shape == OverloadShape.FuncOfCancellationTokenTask
                ? SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(UniqueName(flagged.Statement, "ct"))), body)
                    .WithAsyncKeyword(asyncKeyword)
                : SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(), body).WithAsyncKeyword(asyncKeyword);
        }
        else
        {
            lambda = SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(), expression);
        }

        lambda = lambda.WithArrowToken(SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space));
        var call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, typeName, SyntaxFactory.IdentifierName(RuntimeMethodName)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(lambda))));
        return SyntaxFactory.ExpressionStatement(call)
            .WithLeadingTrivia(flagged.Statement.GetLeadingTrivia())
            .WithTrailingTrivia(flagged.Statement.GetTrailingTrivia());
    }

    /// <summary>A lambda parameter name that no identifier of the enclosing member uses (shadowing would change what the call reads).</summary>
    private static string UniqueName(SyntaxNode statement, string preferred)
    {
        var member = statement.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)statement.SyntaxTree.GetRoot();
        var used = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        if (!used.Contains(preferred))
        {
            return preferred;
        }

        for (var i = 2; ; i++)
        {
            var candidate = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private enum OverloadShape
    {
        Action,
        FuncOfCancellationTokenTask,
        FuncOfTask,
    }

    private sealed class Wrap
    {
        public Wrap(FlaggedStatement flagged, INamedTypeSymbol type, OverloadShape shape)
        {
            Flagged = flagged;
            Type = type;
            Shape = shape;
        }

        public FlaggedStatement Flagged { get; }

        public INamedTypeSymbol Type { get; }

        public OverloadShape Shape { get; }
    }
}
