namespace JobSafety;

/// <summary>
/// The guard's public entry points: interceptors (and applications, for custom side effects) call
/// <see cref="Check(SideEffectCategory, string)"/> just before a side effect happens.
/// </summary>
public static class SideEffects
{
    /// <summary>Checks a side effect that is about to happen. When an unmarked transaction is open on this flow and the
    /// effect is not allowed, it throws (<see cref="GuardMode.Throw"/>) or reports (<see cref="GuardMode.Report"/>).
    /// With no transaction open this costs one AsyncLocal read and one <c>Transaction.Current</c> read, no allocation.</summary>
    /// <param name="category">What kind of effect it is.</param>
    /// <param name="target">A short, secret-free description (see <see cref="SideEffect.Target"/>).</param>
    /// <exception cref="NonAtomicSideEffectException">Throw mode, and the effect is not atomic with the open transaction.</exception>
    public static void Check(SideEffectCategory category, string target)
    {
        if (!TransactionTracker.MightBeInTransaction()) return;
        SideEffectGuard.CheckSlow(new SideEffect(category, target));
    }

    /// <summary>Fast-path query for interceptors: false when no transaction can be open on this flow (no tracked transaction,
    /// no ambient <see cref="System.Transactions.Transaction"/>), in which case every <c>Check</c> would return at once.
    /// Test it before building an expensive target string: <c>if (SideEffects.IsGuardActive) SideEffects.Check(category, Describe(x));</c>.
    /// Same cost as a <c>Check</c> with no transaction open (one AsyncLocal read, one <c>Transaction.Current</c> read, no
    /// allocation). True does not mean a check will flag: call <c>Check</c> (or <see cref="WouldBeFlagged"/>) to decide.</summary>
    public static bool IsGuardActive => TransactionTracker.MightBeInTransaction();

    /// <summary>Checks a side effect that is about to happen; see <see cref="Check(SideEffectCategory, string)"/>.</summary>
    /// <param name="sideEffect">The side effect.</param>
    /// <exception cref="NonAtomicSideEffectException">Throw mode, and the effect is not atomic with the open transaction.</exception>
    public static void Check(in SideEffect sideEffect)
    {
        if (!TransactionTracker.MightBeInTransaction()) return;
        SideEffectGuard.CheckSlow(sideEffect);
    }

    /// <summary>True when a side effect of this category would be flagged right now (an unmarked transaction is open and no
    /// allow scope covers it). Never throws, never reports.</summary>
    /// <param name="category">The category.</param>
    /// <returns>True when a check would flag it.</returns>
    public static bool WouldBeFlagged(SideEffectCategory category) =>
        TransactionTracker.MightBeInTransaction() && SideEffectGuard.FindBlocking(ambientIsAtomic: false) is not null && !AllowScope.IsAllowed(category);

    /// <summary>Allows side effects of <paramref name="category"/> on this flow until the returned scope is disposed:
    /// <c>using (SideEffects.Allow(SideEffectCategory.Http, "idempotent status ping"))</c>. Scopes nest, and never affect
    /// other flows (other requests, other parallel tasks).</summary>
    /// <param name="category">The category to allow.</param>
    /// <param name="reason">Why it is safe; kept for readers and debuggers.</param>
    /// <returns>The scope; dispose it to end the permission.</returns>
    public static IDisposable Allow(SideEffectCategory category, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return AllowScope.Push(category, reason);
    }
}

/// <summary>Allow scopes: an immutable per-flow chain, so a scope entered in one task is invisible to its siblings.</summary>
internal sealed class AllowScope : IDisposable
{
    private static readonly AsyncLocal<AllowScope?> s_current = new();
    private readonly AllowScope? _parent;
    private readonly SideEffectCategory _category;
    private bool _disposed;

    private AllowScope(AllowScope? parent, SideEffectCategory category, string reason)
    {
        _parent = parent;
        _category = category;
        Reason = reason;
    }

    internal string Reason { get; }

    internal static AllowScope Push(SideEffectCategory category, string reason)
    {
        var scope = new AllowScope(s_current.Value, category, reason);
        s_current.Value = scope;
        return scope;
    }

    internal static bool IsAllowed(SideEffectCategory category)
    {
        for (var scope = s_current.Value; scope is not null; scope = scope._parent)
        {
            if (!scope._disposed && scope._category == category) return true;
        }
        return false;
    }

    public void Dispose()
    {
        _disposed = true;
        if (ReferenceEquals(s_current.Value, this)) s_current.Value = _parent;
    }
}
