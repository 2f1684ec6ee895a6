using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers;

internal static class DiagnosticDescriptors
{
    // The message is built by the rule (one sentence: the call, the kind of side effect, where the
    // transaction was opened and the two ways out), so the format is a single placeholder.
    public static readonly DiagnosticDescriptor EnqueueInTransaction = Create(
        RuleIdentifiers.EnqueueInTransaction,
        "Background job or message enqueued inside a database transaction",
        "enqueue",
        "A job or message enqueued while a database transaction is open can be picked up before the commit (and find no data) or after a rollback (and act on data that never existed). Defer the call until the transaction commits, or move it after the commit.");

    public static readonly DiagnosticDescriptor MailInTransaction = Create(
        RuleIdentifiers.MailInTransaction,
        "E-mail sent inside a database transaction",
        "mail",
        "An e-mail sent while a database transaction is open cannot be taken back if the transaction rolls back. Defer the send until the transaction commits, or move it after the commit.");

    public static readonly DiagnosticDescriptor HttpInTransaction = Create(
        RuleIdentifiers.HttpInTransaction,
        "HTTP request made inside a database transaction",
        "http",
        "An HTTP request made while a database transaction is open is not undone by a rollback, holds the transaction (and its locks) open for a network round trip, and lets the remote side act before the data is committed. Defer it until the transaction commits, or move it after the commit.");

    public static readonly DiagnosticDescriptor OtherSideEffectInTransaction = Create(
        RuleIdentifiers.OtherSideEffectInTransaction,
        "Other non-atomic side effect inside a database transaction",
        "other",
        "A cache or Redis write (or a side effect you declared) made while a database transaction is open is not undone by a rollback, and other readers can see it before the commit. Defer it until the transaction commits, or move it after the commit.");

    public static readonly DiagnosticDescriptor ConnectionBoundJobArgument = Create(
        RuleIdentifiers.ConnectionBoundJobArgument,
        "Connection-bound object passed to a background job",
        "enqueue",
        "A background job runs later, on another thread or machine: a DbConnection, DbTransaction, DbContext or TransactionScope passed to it (as an argument or captured by the job expression) is disposed, serialized into garbage or shared across threads. Pass the identifiers the job needs and let the job open its own connection.");

    public static readonly DiagnosticDescriptor InvalidOption = new(
        RuleIdentifiers.InvalidOption,
        "Malformed JobSafety option",
        "{0}",
        "configuration",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A jobsafety.* option in .editorconfig or .globalconfig has a value that cannot be parsed. The analyzer ignores that value, uses the default, and goes on.",
        helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.InvalidOption));

    public static DiagnosticDescriptor ForCategory(SideEffects.SideEffectCategory category) => category switch
    {
        SideEffects.SideEffectCategory.Enqueue => EnqueueInTransaction,
        SideEffects.SideEffectCategory.Mail => MailInTransaction,
        SideEffects.SideEffectCategory.Http => HttpInTransaction,
        _ => OtherSideEffectInTransaction,
    };

    private static DiagnosticDescriptor Create(string id, string title, string category, string description) => new(
        id,
        title,
        "{0}",
        category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: description,
        helpLinkUri: RuleIdentifiers.GetHelpUri(id));
}
