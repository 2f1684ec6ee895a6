using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace JobSafety.Analyzers.Regions;

/// <summary>
/// The executable code blocks of a file, found from syntax alone: method, constructor, destructor, operator and
/// accessor bodies, expression-bodied properties and indexers, and top-level statements. Local functions and lambdas
/// belong to the block that contains them (the control-flow graph of that block reaches them). Field and property
/// initializers are not blocks: no transaction is opened there.
/// </summary>
internal static class CodeBlocks
{
    public static IEnumerable<Candidate> In(SyntaxNode root)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(root);
        var topLevel = false;
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var child in node.ChildNodes())
            {
                switch (child)
                {
                    case BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax:
                        stack.Push(child);
                        break;
                    case BaseMethodDeclarationSyntax method when method.Body is not null || method.ExpressionBody is not null:
                        yield return new Candidate(method, method, method.ParameterList, method);
                        break;
                    case BasePropertyDeclarationSyntax property:
                        if (property is PropertyDeclarationSyntax { ExpressionBody: { } arrow })
                        {
                            yield return new Candidate(property, arrow, null, property);
                        }
                        else if (property is IndexerDeclarationSyntax { ExpressionBody: { } indexerArrow } indexer)
                        {
                            yield return new Candidate(property, indexerArrow, indexer.ParameterList, property);
                        }

                        if (property.AccessorList is { } accessors)
                        {
                            foreach (var accessor in accessors.Accessors)
                            {
                                if (accessor.Body is not null || accessor.ExpressionBody is not null)
                                {
                                    yield return new Candidate(accessor, accessor, (property as IndexerDeclarationSyntax)?.ParameterList, accessor);
                                }
                            }
                        }

                        break;
                    case GlobalStatementSyntax when !topLevel && root is CompilationUnitSyntax:
                        topLevel = true;
                        yield return new Candidate(root, root, null, null);
                        break;
                }
            }
        }
    }

    /// <summary>The control-flow graph of a block, from any operation in it (null for roots that are not code blocks).</summary>
    public static Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph? GraphOf(IOperation operation, CancellationToken cancellationToken)
    {
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root switch
        {
            Microsoft.CodeAnalysis.Operations.IMethodBodyOperation body => Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create(body, cancellationToken),
            Microsoft.CodeAnalysis.Operations.IConstructorBodyOperation constructor => Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create(constructor, cancellationToken),
            Microsoft.CodeAnalysis.Operations.IBlockOperation block => Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph.Create(block, cancellationToken),
            _ => null,
        };
    }

    /// <summary>
    /// True for a method (or any type around it) marked <c>[GeneratedCode]</c>: generated code is not analysed, as the
    /// driver does for operation callbacks (generated files are skipped before the tree action runs).
    /// </summary>
    public static bool IsGeneratedCode(ISymbol symbol)
    {
        for (var current = symbol; current is not null; current = current.ContainingType)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "GeneratedCodeAttribute", ContainingNamespace: { Name: "Compiler", ContainingNamespace: { Name: "CodeDom", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
                {
                    return true;
                }
            }

            if (current is IMethodSymbol { AssociatedSymbol: { } associated } && IsGeneratedCode(associated))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The receiver parameter of a C# 14 extension block member (<c>extension(DbTransaction tx) { void M() { ... } }</c>):
    /// a parameter of the member in all but name, as <c>this DbTransaction tx</c> is of a classic extension method. Null
    /// for static members, local functions and lambdas, and for everything else. Found from syntax (Roslyn 4.8, which
    /// the analyzers are built against, has no API for extension blocks; the compilers that parse them give the node
    /// the <c>extension</c> keyword and a parameter list).
    /// </summary>
    public static IParameterSymbol? ExtensionReceiver(IMethodSymbol? owner, SemanticModel? model, CancellationToken cancellationToken)
    {
        if (owner is null || model is null || owner.IsStatic
            || owner.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet)
            || owner.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var reference = owner.DeclaringSyntaxReferences[0];
        if (reference.SyntaxTree != model.SyntaxTree
            || ExtensionParameterList(reference.GetSyntax(cancellationToken)) is not { Parameters: { Count: 1 } parameters })
        {
            return null;
        }

        return model.GetDeclaredSymbol(parameters[0], cancellationToken) as IParameterSymbol;
    }

    /// <summary>The parameter list of the extension block a member (or accessor) is declared in, if it is in one.</summary>
    private static ParameterListSyntax? ExtensionParameterList(SyntaxNode declaration)
    {
        for (var node = declaration.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case TypeDeclarationSyntax type:
                    return type.Keyword.ValueText == "extension" ? type.ParameterList : null;
                case AccessorListSyntax or BasePropertyDeclarationSyntax:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>One code block: <see cref="Body"/> is the node whose operation is the block's root.</summary>
    internal readonly struct Candidate
    {
        private readonly SyntaxNode? _symbolNode;
        private readonly BaseParameterListSyntax? _parameters;

        public Candidate(SyntaxNode declaration, SyntaxNode body, BaseParameterListSyntax? parameters, SyntaxNode? symbolNode)
        {
            Declaration = declaration;
            Body = body;
            _parameters = parameters;
            _symbolNode = symbolNode;
        }

        public SyntaxNode Declaration { get; }

        public SyntaxNode Body { get; }

        /// <summary>The pre-filter over the parameters and the body: not the member's name or attributes.</summary>
        public bool MayOpenRegion(RegionPrefilter prefilter)
        {
            if (_parameters is not null && prefilter.MayOpenRegion(_parameters))
            {
                return true;
            }

            if (ExtensionParameterList(Declaration) is { } receiver && prefilter.MayOpenRegion(receiver))
            {
                return true;
            }

            switch (Body)
            {
                case BaseMethodDeclarationSyntax method:
                    return (method.Body is not null && prefilter.MayOpenRegion(method.Body))
                        || (method.ExpressionBody is not null && prefilter.MayOpenRegion(method.ExpressionBody))
                        || (method is ConstructorDeclarationSyntax { Initializer: { } initializer } && prefilter.MayOpenRegion(initializer));
                case AccessorDeclarationSyntax accessor:
                    return (accessor.Body is not null && prefilter.MayOpenRegion(accessor.Body))
                        || (accessor.ExpressionBody is not null && prefilter.MayOpenRegion(accessor.ExpressionBody));
                case CompilationUnitSyntax unit:
                    foreach (var member in unit.Members)
                    {
                        if (member is GlobalStatementSyntax && prefilter.MayOpenRegion(member))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return prefilter.MayOpenRegion(Body);
            }
        }

        /// <summary>The method whose body this is (the getter for an expression-bodied property, the entry point for top-level statements).</summary>
        public IMethodSymbol? GetOwner(SemanticModel model, CancellationToken cancellationToken)
        {
            if (_symbolNode is null)
            {
                foreach (var member in ((CompilationUnitSyntax)Body).Members)
                {
                    if (member is GlobalStatementSyntax global)
                    {
                        return model.GetEnclosingSymbol(global.Statement.SpanStart, cancellationToken) as IMethodSymbol;
                    }
                }

                return null;
            }

            return model.GetDeclaredSymbol(_symbolNode, cancellationToken) switch
            {
                IMethodSymbol method => method,
                IPropertySymbol property => property.GetMethod,
                _ => null,
            };
        }
    }
}
