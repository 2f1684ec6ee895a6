namespace JobSafety.Analyzers.Regions;

/// <summary>
/// What a source method does to transactions its caller can see: leaves one open (a unit of work's
/// <c>BeginTransactionAsync()</c> that stores it in a field, or EF Core's <c>Database.BeginTransaction()</c>
/// kept as the context's current transaction), or ends one it did not begin (<c>CommitAsync()</c> on a field,
/// a helper that commits the transaction it is handed).
/// </summary>
internal sealed class TransactionEffect
{
    public static readonly TransactionEffect None = new(null, endsHeld: false, endsParameters: 0);

    public TransactionEffect(TransactionSiteKind? begins, bool endsHeld, ulong endsParameters, string? enlistedLibrary = null, int scopeOptionParameter = -1)
    {
        Begins = begins;
        ScopeOptionParameter = begins == TransactionSiteKind.Scope ? scopeOptionParameter : -1;
        EnlistedLibrary = begins is null ? null : enlistedLibrary;
        EndsHeld = endsHeld;
        EndsParameters = endsParameters;
    }

    /// <summary>The kind of transaction that may still be open when the method returns, if any.</summary>
    public TransactionSiteKind? Begins { get; }

    /// <summary>
    /// The library whose calls join the transaction it leaves open (CAP's publisher handed to
    /// <c>Database.BeginTransaction(capPublisher)</c> inside a unit of work's Begin), when every such transaction does.
    /// </summary>
    public string? EnlistedLibrary { get; }

    /// <summary>
    /// A scope factory whose every TransactionScope takes its option from this parameter (<c>Create(TransactionScopeOption option)</c>):
    /// a call passing <c>TransactionScopeOption.Suppress</c> there opens no transaction. -1 when there is none.
    /// </summary>
    public int ScopeOptionParameter { get; }

    /// <summary>Commits, rolls back or disposes a transaction held in a field or property (or EF Core's current one).</summary>
    public bool EndsHeld { get; }

    /// <summary>Bit i set: ends the transaction passed as parameter i.</summary>
    public ulong EndsParameters { get; }

    public bool IsNone => Begins is null && !EndsHeld && EndsParameters == 0;
}
