using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers.SideEffects;

/// <summary>
/// Answers "is this call a side effect, of which category?" by symbol: the catalog's library types,
/// their derived types and implementations, and the library's extension methods on them, plus what
/// the user declared in <c>jobsafety.additional_side_effects</c>. Knows nothing about transactions.
/// Built once per compilation (and option set); thread-safe.
/// </summary>
internal sealed class SideEffectCatalog
{
    private static readonly string[] ExcludedReceiverTypeNames =
    {
        // In-process mediators implement MassTransit's send/publish interfaces but deliver synchronously,
        // inside the caller's transaction: they are not side effects that escape it.
        "MassTransit.Mediator.IMediator",
        "MassTransit.Mediator.IScopedMediator",

        // Wolverine's EF Core outbox keeps every message it is given with its DbContext and sends them only after
        // SaveChangesAndFlushMessagesAsync() has committed: an outbox, not a send.
        "Wolverine.EntityFrameworkCore.IDbContextOutbox`1",
        "Wolverine.EntityFrameworkCore.IDbContextOutbox",
    };

    private readonly Dictionary<INamedTypeSymbol, List<CatalogEntry>> _entriesByType;
    private readonly ImmutableArray<INamedTypeSymbol> _excludedReceivers;
    private readonly ImmutableArray<(ISymbol Symbol, SideEffectCategory Category)> _declared;
    private readonly ImmutableHashSet<ISymbol> _transactional;
    private readonly ImmutableArray<INamedTypeSymbol> _refitHttpMethodAttributes;
    private readonly ImmutableArray<INamedTypeSymbol> _projectImplemented;
    private readonly ConcurrentDictionary<IMethodSymbol, SideEffect?> _cache = new(SymbolEqualityComparer.Default);

    private SideEffectCatalog(
        Dictionary<INamedTypeSymbol, List<CatalogEntry>> entriesByType,
        ImmutableArray<INamedTypeSymbol> excludedReceivers,
        ImmutableArray<(ISymbol Symbol, SideEffectCategory Category)> declared,
        ImmutableHashSet<ISymbol> transactional,
        ImmutableArray<INamedTypeSymbol> refitHttpMethodAttributes,
        ImmutableArray<INamedTypeSymbol> projectImplemented)
    {
        _entriesByType = entriesByType;
        _excludedReceivers = excludedReceivers;
        _declared = declared;
        _transactional = transactional;
        _refitHttpMethodAttributes = refitHttpMethodAttributes;
        _projectImplemented = projectImplemented;
    }

    /// <summary>True when the compilation references no catalog library and the user declared nothing.</summary>
    public bool IsEmpty => _entriesByType.Count == 0 && _declared.IsEmpty && _refitHttpMethodAttributes.IsEmpty;

    public static SideEffectCatalog Create(
        Compilation compilation,
        ImmutableArray<(ISymbol Symbol, SideEffectCategory Category)> declared,
        ImmutableHashSet<ISymbol> transactional)
    {
        var byType = new Dictionary<INamedTypeSymbol, List<CatalogEntry>>(SymbolEqualityComparer.Default);
        foreach (var entry in SideEffectCatalogData.Entries)
        {
            foreach (var type in WellKnown.GetTypes(compilation, entry.TypeName))
            {
                if (!byType.TryGetValue(type, out var list))
                {
                    list = new List<CatalogEntry>();
                    byType.Add(type, list);
                }

                list.Add(entry);
            }
        }

        var excluded = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in ExcludedReceiverTypeNames)
        {
            excluded.AddRange(WellKnown.GetTypes(compilation, name));
        }

        // Refit: looked up only when the compilation references an assembly named Refit.
        var refit = ImmutableArray<INamedTypeSymbol>.Empty;
        foreach (var assembly in compilation.ReferencedAssemblyNames)
        {
            if (string.Equals(assembly.Name, "Refit", StringComparison.Ordinal))
            {
                refit = WellKnown.GetTypes(compilation, RefitHttpMethodAttribute);
                break;
            }
        }

        var projectImplemented = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in SideEffectCatalogData.ProjectImplemented)
        {
            projectImplemented.AddRange(WellKnown.GetTypes(compilation, name));
        }

        return new SideEffectCatalog(byType, excluded.ToImmutable(), declared, transactional, refit, projectImplemented.ToImmutable());
    }

    private const string RefitHttpMethodAttribute = "Refit.HttpMethodAttribute";

    /// <summary>
    /// The effect is a call through an interface that no library implements for real (ASP.NET Core Identity's
    /// <c>IEmailSender</c>): what it does is decided by the project's implementations, when the compilation has any.
    /// </summary>
    public bool IsProjectImplemented(SideEffect effect, IMethodSymbol method)
    {
        if (_projectImplemented.IsEmpty || effect.CatalogType is null || method.IsStatic || method.ReducedFrom is not null)
        {
            return false;
        }

        var type = method.OriginalDefinition.ContainingType?.OriginalDefinition;
        foreach (var candidate in _projectImplemented)
        {
            if (SymbolEqualityComparer.Default.Equals(type, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Classifies the target of a call. <paramref name="receiverType"/> is the static type of the
    /// instance the call is made on (null for static calls).
    /// </summary>
    public SideEffect? Classify(IMethodSymbol method, ITypeSymbol? receiverType)
    {
        if (IsEmpty)
        {
            return null;
        }

        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (!_cache.TryGetValue(definition, out var result))
        {
            result = ClassifyCore(definition);
            _cache.TryAdd(definition, result);
        }

        if (result is null)
        {
            return null;
        }

        if (!_excludedReceivers.IsEmpty && receiverType is not null && IsExcludedReceiver(receiverType))
        {
            return null;
        }

        var massTransit = result.CatalogType is { } catalogType && catalogType.StartsWith("MassTransit.", StringComparison.Ordinal);
        var throughBus = massTransit && IsMassTransitBus(receiverType);
        var onConsumeContext = massTransit && IsMassTransitConsumeContext(receiverType);

        // Name the call after the type it is made on ('SmtpClient.SendAsync', not 'MailTransport.SendAsync').
        if (!method.IsStatic && method.ReducedFrom is null && receiverType is INamedTypeSymbol named
            && !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, definition.ContainingType))
        {
            return new SideEffect(result.Category, named.Name + "." + definition.Name, result.Verb, result.CatalogType, throughBus, onConsumeContext);
        }

        if (throughBus || onConsumeContext)
        {
            return new SideEffect(result.Category, result.DisplayName, result.Verb, result.CatalogType, throughBus, onConsumeContext);
        }

        return result;
    }

    /// <summary>MassTransit's <c>ConsumeContext</c> (or <c>ConsumeContext&lt;T&gt;</c>, or a type implementing it): a consumer's context.</summary>
    private static bool IsMassTransitConsumeContext(ITypeSymbol? type) => IsOrImplementsMassTransitType(type, "ConsumeContext");

    /// <summary>MassTransit's <c>IBus</c> (or a type implementing it): its publishes and sends bypass the bus outbox.</summary>
    private static bool IsMassTransitBus(ITypeSymbol? type) => IsOrImplementsMassTransitType(type, "IBus");

    private static bool IsOrImplementsMassTransitType(ITypeSymbol? type, string name)
    {
        if (type is null)
        {
            return false;
        }

        if (Is(type, name))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (Is(implemented, name))
            {
                return true;
            }
        }

        return false;

        static bool Is(ITypeSymbol candidate, string name) =>
            candidate.Name == name && candidate.ContainingNamespace is { Name: "MassTransit", ContainingNamespace.IsGlobalNamespace: true };
    }

    /// <summary>True when the method is listed in <c>jobsafety.transactional_apis</c> (or overrides/implements one).</summary>
    public bool IsDeclaredTransactional(IMethodSymbol method)
    {
        if (_transactional.IsEmpty)
        {
            return false;
        }

        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        foreach (var symbol in _transactional)
        {
            if (Matches(definition, symbol))
            {
                return true;
            }
        }

        return false;
    }

    private SideEffect? ClassifyCore(IMethodSymbol method)
    {
        // What the user declared wins, and applies to source methods too.
        foreach (var (symbol, category) in _declared)
        {
            if (Matches(method, symbol))
            {
                return new SideEffect(category, DisplayName(method), SideEffectCategoryNames.DefaultVerb(category));
            }
        }

        // Refit: an interface method carrying one of Refit's HTTP method attributes ([Get], [Post], ... or the project's own
        // subclass of HttpMethodAttribute) makes the request; the interface is usually the project's own source type, and
        // the implementation Refit generates into the compilation must not hide it.
        if (!_refitHttpMethodAttributes.IsEmpty && method.ContainingType is { TypeKind: TypeKind.Interface } && HasRefitHttpMethod(method))
        {
            return new SideEffect(SideEffectCategory.Http, DisplayName(method), SideEffectCategoryNames.DefaultVerb(SideEffectCategory.Http), "Refit");
        }

        // The built-in catalog describes library APIs. A method written in this compilation is judged
        // by what its body does (the through-call summaries), even when it implements a catalog
        // interface: a fake or no-op implementation is not a side effect.
        if (_entriesByType.Count == 0 || IsInSource(method))
        {
            return null;
        }

        if (method.IsExtensionMethod && method.Parameters.Length > 0)
        {
            var hit = Lookup(method.ContainingType, method.Name) ?? LookupHierarchy(method.Parameters[0].Type, method.Name);
            return hit is null ? null : new SideEffect(hit.Category, ExtensionDisplayName(method), hit.Verb, hit.TypeName);
        }

        var entry = LookupHierarchy(method.ContainingType, method.Name);
        return entry is null ? null : new SideEffect(entry.Category, DisplayName(method), entry.Verb, entry.TypeName);
    }

    private bool HasRefitHttpMethod(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            for (var type = attribute.AttributeClass; type is not null; type = type.BaseType)
            {
                foreach (var refit in _refitHttpMethodAttributes)
                {
                    if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, refit))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private CatalogEntry? LookupHierarchy(ITypeSymbol? type, string name)
    {
        if (type is null)
        {
            return null;
        }

        if (type is ITypeParameterSymbol typeParameter)
        {
            foreach (var constraint in typeParameter.ConstraintTypes)
            {
                var hit = LookupHierarchy(constraint, name);
                if (hit is not null)
                {
                    return hit;
                }
            }

            return null;
        }

        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            var hit = Lookup(current, name);
            if (hit is not null)
            {
                return hit;
            }
        }

        foreach (var iface in type.AllInterfaces)
        {
            var hit = Lookup(iface, name);
            if (hit is not null)
            {
                return hit;
            }
        }

        return null;
    }

    private CatalogEntry? Lookup(INamedTypeSymbol? type, string name)
    {
        if (type is null || !_entriesByType.TryGetValue(type.OriginalDefinition, out var entries))
        {
            return null;
        }

        foreach (var entry in entries)
        {
            if (entry.MatchesName(name))
            {
                return entry;
            }
        }

        return null;
    }

    private bool IsExcludedReceiver(ITypeSymbol receiverType)
    {
        foreach (var excluded in _excludedReceivers)
        {
            if (SymbolEqualityComparer.Default.Equals(receiverType.OriginalDefinition, excluded))
            {
                return true;
            }

            foreach (var iface in receiverType.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(iface.OriginalDefinition, excluded))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A declared symbol matches a method when it is the method itself, a method it overrides or
    /// implements, or (for a type) the method's type or one of its base types or interfaces.
    /// </summary>
    private static bool Matches(IMethodSymbol method, ISymbol declared)
    {
        if (declared is IMethodSymbol declaredMethod)
        {
            declaredMethod = declaredMethod.OriginalDefinition;
            for (var m = method; m is not null; m = m.OverriddenMethod?.OriginalDefinition)
            {
                if (SymbolEqualityComparer.Default.Equals(m, declaredMethod))
                {
                    return true;
                }
            }

            if (declaredMethod.ContainingType is { TypeKind: TypeKind.Interface } iface
                && method.Name == declaredMethod.Name
                && method.ContainingType is { } type
                && Implements(type, iface))
            {
                var implementation = type.FindImplementationForInterfaceMember(declaredMethod);
                return implementation is not null && SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, method);
            }

            return false;
        }

        if (declared is INamedTypeSymbol declaredType && method.ContainingType is { } containing)
        {
            if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.ReducedExtension or MethodKind.DelegateInvoke))
            {
                return false;
            }

            return Implements(containing, declaredType.OriginalDefinition);
        }

        return false;
    }

    private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol target)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, target))
            {
                return true;
            }
        }

        foreach (var iface in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(iface.OriginalDefinition, target))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool IsInSource(IMethodSymbol method)
    {
        foreach (var location in method.Locations)
        {
            if (location.IsInSource)
            {
                return true;
            }
        }

        return false;
    }

    internal static string DisplayName(IMethodSymbol method)
    {
        var m = method.ReducedFrom ?? method;
        return m.ContainingType is null ? m.Name : TypeName(m.ContainingType) + "." + m.Name;
    }

    /// <summary>
    /// A type's name in messages. A C# 14 extension block is a type without a name: its members are named after the
    /// static class that declares the block, as a classic extension method called as a static method is.
    /// </summary>
    internal static string TypeName(INamedTypeSymbol type) =>
        type.Name.Length == 0 && type.ContainingType is { } declaring ? TypeName(declaring) : type.Name;

    private static string ExtensionDisplayName(IMethodSymbol method)
    {
        // 'IBackgroundJobClient.Enqueue' reads better than 'BackgroundJobClientExtensions.Enqueue'.
        // On a string ('"https://...".GetJsonAsync()' with Flurl) the keyword reads better than 'String'.
        var receiver = method.Parameters[0].Type;
        if (receiver.SpecialType == SpecialType.System_String)
        {
            return "string." + method.Name;
        }

        return receiver is INamedTypeSymbol named ? named.Name + "." + method.Name : DisplayName(method);
    }
}
