using System.Runtime.CompilerServices;

namespace JobSafety;

/// <summary>
/// Reporting transactions to JobSafety by hand, and the advanced API <b>for integrations</b> (EF Core interceptor and
/// the like) that wrap a real transaction object.
/// </summary>
public static class TransactionTracking
{
    private static readonly ConditionalWeakTable<object, TrackedTransaction> s_byKey = new();

    /// <summary>True when an unmarked transaction (tracked or ambient) is open on the current flow.</summary>
    public static bool IsInsideTransaction =>
        TransactionTracker.MightBeInTransaction() && SideEffectGuard.FindBlocking(ambientIsAtomic: false) is not null;

    /// <summary>Begins a manual tracked transaction for a resource JobSafety cannot see (anything that is not ADO.NET through
    /// the wrapper, EF Core, or <c>System.Transactions</c>). Commit or roll back the returned handle; disposing it
    /// uncommitted rolls it back. It is visible to this flow from now on.</summary>
    /// <param name="provider">Name of the resource, e.g. <c>MyDocumentStore</c> (appears in messages).</param>
    /// <param name="member">Filled in by the compiler.</param>
    /// <param name="file">Filled in by the compiler.</param>
    /// <param name="line">Filled in by the compiler.</param>
    /// <returns>The handle.</returns>
    public static TrackedTransaction Begin(string provider, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        var tracked = new TrackedTransaction(TransactionKind.Manual, provider, FormatLocation(member, file, line));
        TransactionTracker.Register(tracked);
        return tracked;
    }

    /// <summary><b>For integrations.</b> Starts tracking a real transaction object (<paramref name="key"/>, e.g. the
    /// <c>DbTransaction</c> an EF Core interceptor sees) on the current flow. Report its outcome through the handle's
    /// <c>Notify…</c> methods; <see cref="Find"/> returns the handle for the same key later.</summary>
    /// <remarks>Registration must happen in the caller's execution context: a registration made inside an awaited async
    /// method is discarded with that method's context unless a <see cref="BeginFlowScope"/> is open above it.</remarks>
    /// <param name="key">The transaction object (held weakly).</param>
    /// <param name="kind">Where it comes from.</param>
    /// <param name="provider">Provider name, e.g. <c>Npgsql</c>.</param>
    /// <param name="beganAt">Where it began, when known cheaply.</param>
    /// <returns>The handle.</returns>
    public static TrackedTransaction Track(object key, TransactionKind kind, string provider, string? beganAt = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var tracked = new TrackedTransaction(kind, provider, beganAt);
        s_byKey.AddOrUpdate(key, tracked);
        TransactionTracker.Register(tracked);
        return tracked;
    }

    /// <summary><b>For integrations.</b> The handle tracked for <paramref name="key"/>, or null.</summary>
    /// <param name="key">The object passed to <see cref="Track"/> (or a <c>JobSafetyTransaction</c>).</param>
    /// <returns>The handle or null.</returns>
    public static TrackedTransaction? Find(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key is AdoNet.JobSafetyTransaction wrapped) return wrapped.Tracked;
        return s_byKey.TryGetValue(key, out var tracked) ? tracked : null;
    }

    /// <summary>Opens a tracking scope for one logical operation (a web request, a message handler, a test). Transactions
    /// begun anywhere below it, even inside awaited async helper methods or integrations that begin transactions inside
    /// their own async methods, stay visible to the whole scope until they complete. Parallel tasks started inside the scope
    /// share its transactions: open one scope per operation, not around several concurrent operations.</summary>
    /// <returns>The scope; dispose it when the operation ends.</returns>
    public static IDisposable BeginFlowScope()
    {
        var scope = new FlowScope();
        TransactionTracker.PushScope(scope);
        return scope;
    }

    /// <summary><b>For integrations</b> whose transactions begin inside a library's own async methods (EF Core's
    /// <c>BeginTransactionAsync</c>): opens a flow scope (see <see cref="BeginFlowScope"/>) on the current flow unless one
    /// is already open, so a registration made further down stays visible to the caller. Call it synchronously on the
    /// caller's flow, before handing the call on. The scope is not disposed: it ends with the caller's execution context.</summary>
    /// <returns>True when a scope was opened, false when one was already open.</returns>
    public static bool EnsureFlowScope()
    {
        if (TransactionTracker.HasOpenScope()) return false;
        TransactionTracker.PushScope(new FlowScope());
        return true;
    }

    internal static string FormatLocation(string member, string file, int line) =>
        string.IsNullOrEmpty(file) ? member : $"{member} ({Path.GetFileName(file)}:{line})";
}
