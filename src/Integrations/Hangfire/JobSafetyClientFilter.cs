using System.Reflection;
using System.Runtime.CompilerServices;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Storage;

namespace JobSafety.Hangfire;

/// <summary>Options of the Hangfire integration; see <c>UseJobSafety(o => ...)</c>.</summary>
public sealed class JobSafetyHangfireOptions
{
    /// <summary>
    /// Whether the job storage enlists its writes in the ambient <see cref="System.Transactions.Transaction"/>
    /// (a <c>TransactionScope</c>). When it does, an enqueue whose only open transactions are ambient ones is part of that
    /// transaction (the job appears on commit and never on rollback) and is not flagged; an enqueue inside any other open
    /// transaction (a raw ADO.NET transaction through the JobSafety wrapper, EF Core...) is still flagged.
    /// <para><c>null</c> (the default) detects it: true when the storage is Hangfire.PostgreSql with
    /// <c>EnableTransactionScopeEnlistment</c> on (its default), false for every other storage. Set it explicitly for
    /// storages that enlist too (e.g. Hangfire.SqlServer with a TransactionScope-aware configuration) or to be strict.</para>
    /// </summary>
    public bool? StorageEnlistsInTransactionScope { get; set; }
}

/// <summary>
/// A Hangfire client filter: in <see cref="IClientFilter.OnCreating"/>, on the caller's thread and before the job is stored,
/// it calls <see cref="SideEffects.Check(in SideEffect)"/> with <see cref="SideEffectCategory.Enqueue"/> and the target
/// <c>Hangfire: Type.Method</c>. In Throw mode the <see cref="NonAtomicSideEffectException"/> reaches the caller of
/// <c>BackgroundJob.Enqueue</c> / <c>IBackgroundJobClient.Create</c> wrapped in a <c>BackgroundJobClientException</c>
/// (its <see cref="Exception.InnerException"/>), and nothing is stored. Register it with
/// <c>GlobalConfiguration.Configuration.UseJobSafety()</c>.
/// </summary>
public sealed class JobSafetyClientFilter : JobFilterAttribute, IClientFilter
{
    private static readonly ConditionalWeakTable<object, StrongBox<bool>> s_enlists = new();
    private readonly bool? _storageEnlists;

    /// <summary>Creates the filter.</summary>
    /// <param name="options">Options (null: defaults).</param>
    public JobSafetyClientFilter(JobSafetyHangfireOptions? options = null)
    {
        _storageEnlists = options?.StorageEnlistsInTransactionScope;
    }

    /// <inheritdoc />
    public void OnCreating(CreatingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // No transaction can be open: skip describing the job and the storage lookup.
        if (!SideEffects.IsGuardActive) return;
        var enlists = _storageEnlists ?? StorageEnlists(context.Storage);
        SideEffects.Check(new SideEffect(SideEffectCategory.Enqueue, Describe(context.Job)) { EnlistsInAmbientTransaction = enlists });
    }

    /// <inheritdoc />
    public void OnCreated(CreatedContext context)
    {
    }

    internal static string Describe(Job? job) =>
        job is null ? "Hangfire: (job)" : "Hangfire: " + job.Type.Name + "." + job.Method.Name;

    /// <summary>True when <paramref name="storage"/> is Hangfire.PostgreSql with TransactionScope enlistment on.</summary>
    internal static bool StorageEnlists(object? storage)
    {
        if (storage is null) return false;
        return s_enlists.GetValue(storage, static s => new StrongBox<bool>(DetectEnlistment(s))).Value;
    }

    private static bool DetectEnlistment(object storage)
    {
        var type = storage.GetType();
        if (type.FullName != "Hangfire.PostgreSql.PostgreSqlStorage") return false;
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var options = (type.GetProperty("Options", flags)?.GetValue(storage))
            ?? type.GetField("_options", flags)?.GetValue(storage);
        var enabled = options?.GetType().GetProperty("EnableTransactionScopeEnlistment", flags)?.GetValue(options);
        return enabled as bool? ?? true; // Hangfire.PostgreSql enlists by default
    }
}
