using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// A delegate handing out a <c>TransactionScope</c> that is known to suppress the ambient transaction: a readonly field or
/// get-only property of the compilation initialised with <c>() =&gt; new TransactionScope(TransactionScopeOption.Suppress, ...)</c>
/// and never assigned in a constructor. Read from the declaration's syntax (nothing is bound).
/// </summary>
internal static class SuppressingScopeDelegates
{
    public static bool IsSuppressing(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.MethodKind != MethodKind.DelegateInvoke)
        {
            return false;
        }

        var receiver = invocation.Instance;
        while (receiver is IConversionOperation or IParenthesizedOperation)
        {
            receiver = receiver is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)receiver).Operand;
        }

        ISymbol? member = receiver switch
        {
            IFieldReferenceOperation { Field: { IsReadOnly: true } field } => field,
            IPropertyReferenceOperation { Property: { SetMethod: null, IsIndexer: false } property } => property,
            _ => null,
        };
        if (member is null || member.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var declaration = member.DeclaringSyntaxReferences[0].GetSyntax();
        var initializer = declaration switch
        {
            VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
            PropertyDeclarationSyntax property => property.Initializer?.Value,
            _ => null,
        };
        if (initializer is not LambdaExpressionSyntax { ExpressionBody: BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } }
            || !HasSuppress(arguments))
        {
            return false;
        }

        // A constructor that assigns another delegate to it decides instead.
        if (declaration.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type)
        {
            foreach (var node in type.DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax assignment && AssignedName(assignment.Left) == member.Name)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool HasSuppress(ArgumentListSyntax arguments)
    {
        foreach (var argument in arguments.Arguments)
        {
            var name = argument.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                _ => null,
            };
            if (name == "Suppress")
            {
                return true;
            }
        }

        return false;
    }

    private static string? AssignedName(ExpressionSyntax left) => left switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
        _ => null,
    };
}
