using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace JobSafety.CodeFixes.Internal;

/// <summary>
/// The statement that holds a flagged call: <c>Call(...);</c>, <c>await Call(...);</c> (optionally with
/// <c>.ConfigureAwait(...)</c>), <c>_ = Call(...);</c>, or <c>var x = [await] Call(...);</c>.
/// Anything else (a return, an argument, a condition, an expression-bodied lambda) is not fixable.
/// </summary>
internal sealed class FlaggedStatement
{
    private FlaggedStatement(StatementSyntax statement, ExpressionSyntax expression, VariableDeclaratorSyntax? declarator)
    {
        Statement = statement;
        Expression = expression;
        Declarator = declarator;
    }

    /// <summary>The whole statement (expression statement or local declaration).</summary>
    public StatementSyntax Statement { get; }

    /// <summary>The statement's expression, or the declaration's initializer: <c>Call()</c>, <c>await Call()</c> or <c>_ = Call()</c>.</summary>
    public ExpressionSyntax Expression { get; }

    /// <summary>The declared variable when the statement is <c>var x = ...;</c>.</summary>
    public VariableDeclaratorSyntax? Declarator { get; }

    public bool IsAwaited => Expression is AwaitExpressionSyntax;

    public static FlaggedStatement? Find(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        if (node is ArgumentSyntax argument)
        {
            node = argument.Expression;
        }

        if (node is not InvocationExpressionSyntax invocation)
        {
            return null;
        }

        ExpressionSyntax expression = invocation;

        // Call().ConfigureAwait(false)
        if (expression.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure
            && configure.Expression == expression
            && configure.Parent is InvocationExpressionSyntax configured
            && configured.Parent is AwaitExpressionSyntax)
        {
            expression = configured;
        }

        if (expression.Parent is AwaitExpressionSyntax awaited)
        {
            expression = awaited;
        }

        if (expression.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard
            && discard.IsKind(SyntaxKind.SimpleAssignmentExpression)
            && discard.Right == expression)
        {
            expression = discard;
        }

        switch (expression.Parent)
        {
            case ExpressionStatementSyntax statement:
                return new FlaggedStatement(statement, expression, null);
            case EqualsValueClauseSyntax
            {
                Parent: VariableDeclaratorSyntax declarator,
            } when declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } declaration
                && declaration.Parent is LocalDeclarationStatementSyntax local
                && local.UsingKeyword.IsKind(SyntaxKind.None)
                && !local.Modifiers.Any()
                && expression is not AssignmentExpressionSyntax:
                return new FlaggedStatement(local, expression, declarator);
            default:
                return null;
        }
    }

    /// <summary>Preprocessor directives in or around the statement: editing it could break them.</summary>
    public bool HasDirectives => Statement.DescendantTrivia(descendIntoTrivia: true).Any(t => t.IsDirective)
        || Statement.GetLeadingTrivia().Any(t => t.IsDirective);
}
