using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JobSafety.Analyzers;
using JobSafety.Analyzers.Rules;
using JobSafety.CodeFixes.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.CodeFixes.Rules;

/// <summary>
/// JS0001–JS0004 "Move after commit": moves the flagged statement to just after the commit —
/// after <c>tx.Commit();</c> / <c>await tx.CommitAsync();</c> of the same transaction later in the same
/// statement list, or after the <c>using (new TransactionScope())</c> statement (or the block that ends a
/// <c>using var scope</c> declaration) — when that cannot change what the statement or the code it
/// jumps over computes.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveAfterCommitCodeFixProvider)), Shared]
public sealed class MoveAfterCommitCodeFixProvider : CodeFixProvider
{
    internal const string EquivalenceKey = "JobSafety.MoveAfterCommit";
    internal const string Title = "Move after commit";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIdentifiers.EnqueueInTransaction,
        RuleIdentifiers.MailInTransaction,
        RuleIdentifiers.HttpInTransaction,
        RuleIdentifiers.OtherSideEffectInTransaction);

    /// <summary>
    /// Not the batch fixer: several statements moved after the same commit are inserted there together,
    /// in their original order (merging the separate text changes would interleave or drop them).
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics) =>
        await FixAllInDocumentAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false);

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
                CodeAction.Create(Title, token => FixAllInDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), token), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> FixAllInDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var moves = new Dictionary<StatementSyntax, Move>();
        foreach (var diagnostic in diagnostics)
        {
            if (Plan(root, model, diagnostic, cancellationToken) is { } move && !moves.ContainsKey(move.Statement))
            {
                moves.Add(move.Statement, move);
            }
        }

        // A move nested in another moved statement (or whose destination moves) goes with it.
        var independent = moves.Values
            .Where(m => !moves.Keys.Any(other => other != m.Statement && (other.Span.Contains(m.Statement.Span) || other.Span.Contains(m.Target.Span))))
            .ToList();
        if (independent.Count == 0)
        {
            return document;
        }

        var tracked = root.TrackNodes(independent.Select(m => (SyntaxNode)m.Statement).Concat(independent.Select(m => m.Target)));
        var groups = independent
            .GroupBy(m => m.Target)
            .Select(g => (Target: g.Key, Statements: g.OrderBy(m => m.Statement.SpanStart).Select(Relocated).ToList()))
            .ToList();

        tracked = tracked.RemoveNodes(independent.Select(m => tracked.GetCurrentNode(m.Statement)!), SyntaxRemoveOptions.KeepNoTrivia)!;
        foreach (var (target, statements) in groups)
        {
            tracked = tracked.InsertNodesAfter(tracked.GetCurrentNode(target)!, statements);
        }

        return document.WithSyntaxRoot(tracked);
    }

    /// <summary>The statement as it will read at its new place: same trivia, indented like the commit it follows.</summary>
    private static StatementSyntax Relocated(Move move) =>
        Indentation.Shift(move.Statement, Indentation.Of(move.Statement), Indentation.Of(move.Target));

    private static Move? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var flagged = FlaggedStatement.Find(root, diagnostic.Location.SourceSpan);
        if (flagged is null || flagged.HasDirectives
            || !diagnostic.Properties.TryGetValue(SideEffectInTransactionAnalyzer.SiteKindProperty, out var siteKind)
            || diagnostic.AdditionalLocations.Count == 0
            || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree)
        {
            return null;
        }

        var site = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
        var statement = flagged.Statement;
        if (Statements(statement.Parent) is not { } list)
        {
            return null;
        }

        var index = list.IndexOf(statement);
        StatementSyntax? target;
        List<StatementSyntax> jumpedOver;
        var leavesBlock = false;
        switch (siteKind)
        {
            case "DbTransaction" or "Parameter":
                target = FindCommit(list, index, site, model, cancellationToken);
                if (target is null)
                {
                    return null;
                }

                jumpedOver = list.Skip(index + 1).TakeWhile(s => s != target).Concat(new[] { target }).ToList();
                break;
            case "Scope":
                target = ScopeEnd(site, statement);
                if (target is null)
                {
                    return null;
                }

                leavesBlock = true;
                jumpedOver = list.Skip(index + 1).ToList();
                break;
            default:
                return null;
        }

        if (ClosesDirectiveAfter(target))
        {
            return null; // inserted before an #endif (or #pragma restore...), the statement would move into that region
        }

        return KeepsMeaning(flagged, target, jumpedOver, leavesBlock, model) ? new Move(statement, target) : null;
    }

    /// <summary>Whether a preprocessor directive other than <c>#region</c>/<c>#endregion</c> comes right after <paramref name="target"/>.</summary>
    private static bool ClosesDirectiveAfter(StatementSyntax target) =>
        target.GetLastToken().GetNextToken(includeZeroWidth: true).LeadingTrivia
            .Any(t => t.IsDirective && !t.IsKind(SyntaxKind.RegionDirectiveTrivia) && !t.IsKind(SyntaxKind.EndRegionDirectiveTrivia));

    /// <summary>
    /// The data the statement reads is the same after the jump, it writes nothing the jumped-over code
    /// uses, declares nothing used there, and the jumped-over code always falls through to the new place.
    /// </summary>
    private static bool KeepsMeaning(FlaggedStatement flagged, StatementSyntax target, List<StatementSyntax> jumpedOver, bool leavesBlock, SemanticModel model)
    {
        var flow = model.AnalyzeDataFlow(flagged.Statement);
        if (flow is null || !flow.Succeeded)
        {
            return false;
        }

        var used = flow.ReadInside.Union(flow.WrittenInside, SymbolEqualityComparer.Default).ToImmutableHashSet(SymbolEqualityComparer.Default);
        if (leavesBlock)
        {
            // Outside the block, its locals are out of scope, and a declaration would change scope.
            if (!flow.VariablesDeclared.IsEmpty)
            {
                return false;
            }

            foreach (var symbol in used)
            {
                if (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => target.Span.Contains(r.Span)))
                {
                    return false;
                }
            }
        }

        if (jumpedOver.Count == 0)
        {
            return true;
        }

        var control = model.AnalyzeControlFlow(jumpedOver[0], jumpedOver[jumpedOver.Count - 1]);
        if (control is null || !control.Succeeded || !control.EndPointIsReachable || !control.ExitPoints.IsEmpty)
        {
            return false;
        }

        var between = model.AnalyzeDataFlow(jumpedOver[0], jumpedOver[jumpedOver.Count - 1]);
        if (between is null || !between.Succeeded)
        {
            return false;
        }

        var touchedBetween = between.ReadInside.Union(between.WrittenInside, SymbolEqualityComparer.Default).ToImmutableHashSet(SymbolEqualityComparer.Default);
        return !between.WrittenInside.Any(used.Contains)
            && !flow.WrittenInside.Any(touchedBetween.Contains)
            && !flow.VariablesDeclared.Any(touchedBetween.Contains);
    }

    private static SyntaxList<StatementSyntax>? Statements(SyntaxNode? parent) => parent switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        _ => null,
    };

    /// <summary>The first <c>tx.Commit();</c> / <c>await tx.CommitAsync(...);</c> of the site's transaction after <paramref name="index"/>.</summary>
    private static StatementSyntax? FindCommit(SyntaxList<StatementSyntax> list, int index, SyntaxNode site, SemanticModel model, CancellationToken cancellationToken)
    {
        ISymbol? transaction = null;
        string? facade = null; // EF Core: db.Database.CommitTransaction[Async]()
        if (site is ParameterSyntax parameter)
        {
            transaction = model.GetDeclaredSymbol(parameter, cancellationToken);
        }
        else if (site is InvocationExpressionSyntax begin)
        {
            if (begin.Expression is MemberAccessExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Database" } database })
            {
                facade = database.ToString();
            }

            transaction = AssignedVariable(begin, model, cancellationToken);
        }

        if (transaction is null && facade is null)
        {
            return null;
        }

        for (var i = index + 1; i < list.Count; i++)
        {
            if (IsCommit(list[i], transaction, facade, model, cancellationToken))
            {
                return list[i];
            }
        }

        return null;
    }

    /// <summary>The local that <c>var tx = [await] conn.BeginTransaction[Async]()</c> (or <c>tx = ...</c>) stores the transaction in.</summary>
    private static ISymbol? AssignedVariable(ExpressionSyntax begin, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode node = begin;
        while (true)
        {
            switch (node.Parent)
            {
                case ParenthesizedExpressionSyntax or AwaitExpressionSyntax:
                    node = node.Parent;
                    continue;
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured }:
                    node = configured;
                    continue;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                    return model.GetDeclaredSymbol(declarator, cancellationToken);
                case AssignmentExpressionSyntax assignment when assignment.Right == node:
                    return model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is ILocalSymbol local ? local : null;
                default:
                    return null;
            }
        }
    }

    private static bool IsCommit(StatementSyntax statement, ISymbol? transaction, string? facade, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not ExpressionStatementSyntax { Expression: var expression })
        {
            return false;
        }

        if (expression is AwaitExpressionSyntax awaited)
        {
            expression = awaited.Expression;
            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure })
            {
                expression = configure.Expression;
            }
        }

        if (expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            return false;
        }

        switch (access.Name.Identifier.ValueText)
        {
            case "Commit" or "CommitAsync" when transaction is not null:
                return SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(access.Expression, cancellationToken).Symbol, transaction);
            case "CommitTransaction" or "CommitTransactionAsync" when facade is not null:
                return access.Expression.ToString() == facade;
            default:
                return false;
        }
    }

    /// <summary>
    /// The statement after which a TransactionScope is disposed (committed): the <c>using (...) { }</c>
    /// statement, or the nested block that ends a <c>using var scope = ...;</c> declaration. The flagged
    /// statement must be directly in that block, and the destination in a statement list.
    /// </summary>
    private static StatementSyntax? ScopeEnd(SyntaxNode site, StatementSyntax statement)
    {
        if (site is not BaseObjectCreationExpressionSyntax creation)
        {
            return null;
        }

        StatementSyntax? target = null;
        BlockSyntax? body = null;
        switch (creation.Parent)
        {
            case UsingStatementSyntax direct when direct.Expression == creation:
                target = direct;
                body = direct.Statement as BlockSyntax;
                break;
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } }:
                if (declaration.Parent is UsingStatementSyntax usingStatement)
                {
                    target = usingStatement;
                    body = usingStatement.Statement as BlockSyntax;
                }
                else if (declaration.Parent is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword, Parent: BlockSyntax enclosing }
                    && enclosing.Parent is BlockSyntax or SwitchSectionSyntax)
                {
                    // using var scope = ...; disposed at the end of the enclosing block: only a nested block has an "after".
                    target = enclosing;
                    body = enclosing;
                }

                break;
        }

        if (target is null || body is null || statement.Parent != body || target.Parent is not (BlockSyntax or SwitchSectionSyntax))
        {
            return null;
        }

        return target;
    }

    private sealed class Move
    {
        public Move(StatementSyntax statement, StatementSyntax target)
        {
            Statement = statement;
            Target = target;
        }

        public StatementSyntax Statement { get; }

        /// <summary>The statement after which the moved one goes.</summary>
        public StatementSyntax Target { get; }
    }
}
