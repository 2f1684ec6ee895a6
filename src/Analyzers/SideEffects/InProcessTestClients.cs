using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace JobSafety.Analyzers.SideEffects;

/// <summary>
/// HTTP clients of ASP.NET Core's in-process test host: an <c>HttpClient</c> from <c>WebApplicationFactory&lt;T&gt;.CreateClient()</c> /
/// <c>CreateDefaultClient(...)</c> (Microsoft.AspNetCore.Mvc.Testing), <c>TestServer.CreateClient()</c>, <c>GetTestClient()</c> or
/// <c>new HttpClient(server.CreateHandler())</c> (Microsoft.AspNetCore.TestHost) sends its requests to the application in the
/// same process: an integration test's rollback undoes what they do, so they are not side effects.
/// A request is recognised when its receiver is a local, field or property of type <c>HttpClient</c> every assignment of which
/// visible in the compilation's source is such a call (or another such member, or a call of a project helper every return of
/// which qualifies: <c>CreateAuthenticatedClient()</c>, followed <see cref="MaxHelperDepth"/> calls deep). Only when the compilation references one of
/// the two assemblies; the occurrences of the member's name are found by text, and only the writes among them are bound.
/// </summary>
internal sealed class InProcessTestClients
{
    private const int MaxDepth = 4;

    /// <summary>A project helper that returns a client is followed only this deep (helper → helper → helper).</summary>
    private const int MaxHelperDepth = 3;

    private readonly Compilation _compilation;
    private readonly Lazy<bool> _referenced;
    private readonly ConcurrentDictionary<ISymbol, bool> _verdicts = new(SymbolEqualityComparer.Default);

    public InProcessTestClients(Compilation compilation)
    {
        _compilation = compilation;
        _referenced = new Lazy<bool>(
            () => compilation.ReferencedAssemblyNames.Any(a => a.Name is "Microsoft.AspNetCore.TestHost" or "Microsoft.AspNetCore.Mvc.Testing"),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when <paramref name="invocation"/> (an HTTP call) is made on a client of the in-process test host.</summary>
    public bool IsInProcessRequest(IInvocationOperation invocation, CancellationToken cancellationToken)
    {
        if (!_referenced.Value)
        {
            return false;
        }

        var receiver = invocation.Instance;
        if (receiver is null && invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0)
        {
            receiver = invocation.Arguments[0].Value;
        }

        while (receiver is IConversionOperation or IParenthesizedOperation)
        {
            receiver = receiver is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)receiver).Operand;
        }

        ISymbol? member = receiver switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property,
            IFlowCaptureReferenceOperation capture => CapturedMember(capture, cancellationToken),
            // factory.CreateClient().PostAsync(...), CreateAuthenticatedClient().GetAsync(...): the method that hands out the client.
            IInvocationOperation call => call.TargetMethod.ReducedFrom ?? call.TargetMethod,
            _ => null,
        };

        if (member is null || !IsHttpClient(receiver!.Type))
        {
            return false;
        }

        member = member.OriginalDefinition;
        if (_verdicts.TryGetValue(member, out var known))
        {
            return known;
        }

        var verdict = IsTestHostMember(member, new HashSet<ISymbol>(SymbolEqualityComparer.Default), 0, cancellationToken);
        _verdicts.TryAdd(member, verdict);
        return verdict;
    }

    /// <summary>A receiver the control-flow graph captured (an await in the arguments): the local, field or property its syntax names.</summary>
    private ISymbol? CapturedMember(IFlowCaptureReferenceOperation capture, CancellationToken cancellationToken)
    {
        if (capture.Syntax is not (IdentifierNameSyntax or MemberAccessExpressionSyntax) || !_compilation.ContainsSyntaxTree(capture.Syntax.SyntaxTree))
        {
            return null;
        }

#pragma warning disable RS1030 // One receiver's syntax, bound only for an HTTP call inside a transaction in a test project.
        var symbol = _compilation.GetSemanticModel(capture.Syntax.SyntaxTree).GetSymbolInfo(capture.Syntax, cancellationToken).Symbol;
#pragma warning restore RS1030
        return symbol is ILocalSymbol or IFieldSymbol or IPropertySymbol { IsIndexer: false } ? symbol : null;
    }

    private bool IsTestHostMember(ISymbol member, HashSet<ISymbol> visiting, int depth, CancellationToken cancellationToken)
    {
        member = member.OriginalDefinition;
        if (!visiting.Add(member))
        {
            // Already being judged further up: its other assignments decide.
            return true;
        }

        if (member is IMethodSymbol handsOut && HandsOutClient(handsOut))
        {
            return true;
        }

        if (depth > MaxDepth || member.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        switch (member)
        {
            case IMethodSymbol method:
                return depth <= MaxHelperDepth && IsTestHostHelper(method, visiting, depth, cancellationToken);

            case ILocalSymbol local:
            {
                if (local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator)
                {
                    // foreach variables, out vars, deconstructions, pattern designations: not judged.
                    return false;
                }

                var hasValue = false;
                if (declarator.Initializer is { } initializer && !IsNullValue(initializer.Value))
                {
                    if (!IsTestHostValue(initializer.Value, visiting, depth, cancellationToken))
                    {
                        return false;
                    }

                    hasValue = true;
                }

                var scope = declarator.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax) ?? declarator.SyntaxTree.GetRoot(cancellationToken);
                return WritesAreTestHost(local, local.Name, declarator.SyntaxTree, scope.FullSpan, visiting, depth, ref hasValue, cancellationToken) && hasValue;
            }

            case IFieldSymbol field:
            {
                var hasValue = false;
                foreach (var reference in field.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator)
                    {
                        return false;
                    }

                    if (declarator.Initializer is { } initializer && !IsNullValue(initializer.Value))
                    {
                        if (!IsTestHostValue(initializer.Value, visiting, depth, cancellationToken))
                        {
                            return false;
                        }

                        hasValue = true;
                    }
                }

                return MemberWritesAreTestHost(field, visiting, depth, ref hasValue, cancellationToken) && hasValue;
            }

            case IPropertySymbol property:
            {
                if (property.IsAbstract || property.ContainingType.TypeKind == TypeKind.Interface || property.IsIndexer)
                {
                    return false;
                }

                if (property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration)
                {
                    // A record's positional property: assigned from a constructor argument.
                    return false;
                }

                if (declaration.ExpressionBody is { } arrow)
                {
                    return IsTestHostValue(arrow.Expression, visiting, depth, cancellationToken);
                }

                var getter = declaration.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
                if (getter is null)
                {
                    return false;
                }

                if (getter.ExpressionBody is { } getterArrow)
                {
                    return IsTestHostValue(getterArrow.Expression, visiting, depth, cancellationToken);
                }

                if (getter.Body is { } body)
                {
                    var returns = body.DescendantNodes(n => n is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or LocalFunctionStatementSyntax))
                        .OfType<ReturnStatementSyntax>()
                        .ToList();
                    return returns.Count > 0 && returns.All(r => r.Expression is { } value && IsTestHostValue(value, visiting, depth, cancellationToken));
                }

                // An auto-property: its initializer and every assignment.
                var hasValue = false;
                if (declaration.Initializer is { } initializer && !IsNullValue(initializer.Value))
                {
                    if (!IsTestHostValue(initializer.Value, visiting, depth, cancellationToken))
                    {
                        return false;
                    }

                    hasValue = true;
                }

                return MemberWritesAreTestHost(property, visiting, depth, ref hasValue, cancellationToken) && hasValue;
            }

            default:
                return false;
        }
    }

    /// <summary>Every write of a field or auto-property: in its type's declarations when private, else anywhere in the compilation.</summary>
    private bool MemberWritesAreTestHost(ISymbol member, HashSet<ISymbol> visiting, int depth, ref bool hasValue, CancellationToken cancellationToken)
    {
        if (member.DeclaredAccessibility == Accessibility.Private)
        {
            foreach (var reference in member.ContainingType.DeclaringSyntaxReferences)
            {
                if (!WritesAreTestHost(member, member.Name, reference.SyntaxTree, reference.Span, visiting, depth, ref hasValue, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var tree in _compilation.SyntaxTrees)
        {
            if (!WritesAreTestHost(member, member.Name, tree, new TextSpan(0, tree.Length), visiting, depth, ref hasValue, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private bool WritesAreTestHost(ISymbol member, string name, SyntaxTree tree, TextSpan span, HashSet<ISymbol> visiting, int depth, ref bool hasValue, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken).ToString(span);
        SyntaxNode? root = null;
        SemanticModel? model = null;
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            root ??= tree.GetRoot(cancellationToken);
            if (SourceText.NameAt(root, span.Start + at, name) is not IdentifierNameSyntax identifier)
            {
                continue;
            }

            // this.client = ..., fixture.Client = ...: the member access is what is written.
            SyntaxNode written = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
            var parent = written.Parent;
            while (parent is ParenthesizedExpressionSyntax)
            {
                written = parent;
                parent = parent.Parent;
            }

            ExpressionSyntax? value;
            switch (parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == written:
                    if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                    {
                        value = null;
                        break;
                    }

                    value = assignment.Right;
                    break;
                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword):
                case ArgumentSyntax { Parent: TupleExpressionSyntax }:
                case RefExpressionSyntax:
                    value = null;
                    break;
                default:
                    continue;
            }

#pragma warning disable RS1030 // Only the writes of one member, bound once per compilation and only for an HTTP call inside a transaction in a test project.
            model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
            if (symbol is null || !SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, member))
            {
                continue;
            }

            if (value is not null && IsNullValue(value))
            {
                // client = null (a test's clean-up): sends nothing.
                continue;
            }

            if (value is null || !IsTestHostValue(value, visiting, depth, cancellationToken))
            {
                return false;
            }

            hasValue = true;
        }

        return true;
    }

    /// <summary>A call of a test-host method that hands out a client, or a member holding such clients only.</summary>
    private bool IsTestHostValue(ExpressionSyntax value, HashSet<ISymbol> visiting, int depth, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (value)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    value = parenthesized.Expression;
                    continue;
                case PostfixUnaryExpressionSyntax suppression when suppression.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    value = suppression.Operand;
                    continue;
                case AssignmentExpressionSyntax chained when chained.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    value = chained.Right;
                    continue;
            }

            break;
        }

        if (!_compilation.ContainsSyntaxTree(value.SyntaxTree))
        {
            return false;
        }

#pragma warning disable RS1030 // See WritesAreTestHost.
        var model = _compilation.GetSemanticModel(value.SyntaxTree);
#pragma warning restore RS1030
        switch (value)
        {
            case InvocationExpressionSyntax invocation:
                // A test-host call, or a project helper returning HttpClient whose returns all qualify.
                return model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                    && (HandsOutClient(method) || ((IsHttpClient(method.ReturnType) || IsTaskOfHttpClient(method.ReturnType)) && IsTestHostMember(method.ReducedFrom ?? method, visiting, depth + 1, cancellationToken)));

            case AwaitExpressionSyntax awaited:
            {
                // await CreateClientAsync() / .ConfigureAwait(false): a project helper returning Task/ValueTask<HttpClient>.
                var operand = awaited.Expression;
                while (operand is ParenthesizedExpressionSyntax parenthesizedOperand)
                {
                    operand = parenthesizedOperand.Expression;
                }

                if (operand is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: InvocationExpressionSyntax inner } })
                {
                    operand = inner;
                }

                return operand is InvocationExpressionSyntax awaitedCall
                    && model.GetSymbolInfo(awaitedCall, cancellationToken).Symbol is IMethodSymbol awaitedMethod
                    && IsTaskOfHttpClient(awaitedMethod.ReturnType)
                    && IsTestHostMember(awaitedMethod.ReducedFrom ?? awaitedMethod, visiting, depth + 1, cancellationToken);
            }

            case BaseObjectCreationExpressionSyntax creation:
                // new HttpClient(server.CreateHandler()) { BaseAddress = ... }
                if (creation.ArgumentList is not { Arguments.Count: >= 1 } arguments
                    || model.GetSymbolInfo(creation, cancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                    || !IsHttpClient(constructor.ContainingType))
                {
                    return false;
                }

                var handler = arguments.Arguments[0].Expression;
                while (handler is ParenthesizedExpressionSyntax parenthesizedHandler)
                {
                    handler = parenthesizedHandler.Expression;
                }

                return handler is InvocationExpressionSyntax handlerCall
                    && model.GetSymbolInfo(handlerCall, cancellationToken).Symbol is IMethodSymbol { Name: "CreateHandler" } created
                    && IsTestServer(created.ContainingType);

            case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                var symbol = model.GetSymbolInfo(value, cancellationToken).Symbol;
                return symbol is ILocalSymbol or IFieldSymbol or IPropertySymbol
                    && IsHttpClient(symbol switch { ILocalSymbol l => l.Type, IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null })
                    && IsTestHostMember(symbol, visiting, depth + 1, cancellationToken);

            default:
                return false;
        }
    }

    /// <summary>
    /// A project method returning <c>HttpClient</c> (or <c>Task/ValueTask&lt;HttpClient&gt;</c>) with a body in this compilation, that
    /// cannot be replaced by an override (not abstract, not in an interface; virtual only when nothing overrides it), every returned
    /// value of which is a test-host client by the same rules. Lambdas and local functions inside it are not its returns.
    /// </summary>
    private bool IsTestHostHelper(IMethodSymbol method, HashSet<ISymbol> visiting, int depth, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method;
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction)
            || method.IsAbstract
            || method.IsExtern
            || method.ContainingType is null or { TypeKind: TypeKind.Interface }
            || !(IsHttpClient(method.ReturnType) || IsTaskOfHttpClient(method.ReturnType))
            || ((method.IsVirtual || (method.IsOverride && !method.IsSealed)) && !method.ContainingType.IsSealed && IsOverridden(method, cancellationToken)))
        {
            return false;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (!_compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                return false;
            }

            var declaration = reference.GetSyntax(cancellationToken);
            var (body, arrow) = declaration switch
            {
                MethodDeclarationSyntax m => (m.Body, m.ExpressionBody),
                LocalFunctionStatementSyntax l => (l.Body, l.ExpressionBody),
                _ => (null, null),
            };

            if (arrow is not null)
            {
                return IsTestHostValue(arrow.Expression, visiting, depth, cancellationToken);
            }

            if (body is null)
            {
                // A partial declaration without its body: the implementation part is another reference.
                continue;
            }

            var returns = body.DescendantNodes(n => n is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or LocalFunctionStatementSyntax))
                .OfType<ReturnStatementSyntax>()
                .ToList();
            return returns.Count > 0 && returns.All(r => r.Expression is { } value && IsTestHostValue(value, visiting, depth, cancellationToken));
        }

        return false;
    }

    /// <summary>An <c>override</c> of <paramref name="method"/> declared in the compilation's source (found by its name's text first).</summary>
    private bool IsOverridden(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var name = method.Name;
        foreach (var tree in _compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (tree.GetText(cancellationToken).ToString().IndexOf(name, StringComparison.Ordinal) < 0)
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var candidate in tree.GetRoot(cancellationToken).DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
                .OfType<MethodDeclarationSyntax>())
            {
                if (candidate.Identifier.ValueText != name || !candidate.Modifiers.Any(SyntaxKind.OverrideKeyword))
                {
                    continue;
                }

#pragma warning disable RS1030 // Only for a virtual project helper returning a client, once per compilation.
                model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                for (var overridden = model.GetDeclaredSymbol(candidate, cancellationToken)?.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsTaskOfHttpClient(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Task" or "ValueTask", Arity: 1, ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } task
        && IsHttpClient(task.TypeArguments[0]);

    /// <summary><c>null</c>, <c>null!</c>, <c>default</c>: an initializer that holds no client until the test's set-up assigns one.</summary>
    private static bool IsNullValue(ExpressionSyntax value)
    {
        while (value is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            value = value is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : ((PostfixUnaryExpressionSyntax)value).Operand;
        }

        return value.IsKind(SyntaxKind.NullLiteralExpression) || value.IsKind(SyntaxKind.DefaultLiteralExpression) || value is DefaultExpressionSyntax;
    }

    private static bool HandsOutClient(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            var type = current.OriginalDefinition.ContainingType;
            if (type is null || type.Locations.Any(l => l.IsInSource))
            {
                continue;
            }

            switch (current.Name)
            {
                case "CreateClient" or "CreateDefaultClient" when type is { Name: "WebApplicationFactory", Arity: 1 } && InNamespace(type, "Mvc", "Testing"):
                case "CreateClient" when IsTestServer(type):
                case "GetTestClient" when InNamespace(type, "TestHost"):
                    return true;
            }
        }

        return false;
    }

    private static bool IsTestServer(INamedTypeSymbol? type) =>
        type is { Name: "TestServer" } && !type.Locations.Any(l => l.IsInSource) && InNamespace(type, "TestHost");

    /// <summary>The type is declared in <c>Microsoft.AspNetCore.{names}</c>.</summary>
    private static bool InNamespace(INamedTypeSymbol type, params string[] names)
    {
        var ns = type.ContainingNamespace;
        for (var i = names.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.Name != names[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { Name: "AspNetCore", ContainingNamespace: { Name: "Microsoft", ContainingNamespace.IsGlobalNamespace: true } };
    }

    private static bool IsHttpClient(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "HttpClient", ContainingNamespace: { Name: "Http", ContainingNamespace: { Name: "Net", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };
}
