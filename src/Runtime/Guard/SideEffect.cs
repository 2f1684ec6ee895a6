namespace JobSafety;

/// <summary>
/// Describes one side effect that is about to happen, for <see cref="SideEffects.Check(in SideEffect)"/>.
/// </summary>
public readonly struct SideEffect
{
    /// <summary>Describes a side effect.</summary>
    /// <param name="category">What kind of effect it is.</param>
    /// <param name="target">A short, secret-free description such as <c>Hangfire: SendWelcomeEmail</c> or
    /// <c>POST api.example.com/hooks</c>. Query strings, user info and <c>password=</c>-like pairs are removed
    /// before it appears in a message anyway.</param>
    public SideEffect(SideEffectCategory category, string target)
    {
        Category = category;
        Target = target;
        EnlistsInAmbientTransaction = false;
    }

    /// <summary>What kind of effect it is.</summary>
    public SideEffectCategory Category { get; }

    /// <summary>A short description of what the effect acts on.</summary>
    public string Target { get; }

    /// <summary>
    /// True when the effect itself enlists in the ambient <see cref="System.Transactions.Transaction"/>
    /// (for example Hangfire.PostgreSql with transaction-scope enlistment): an open ambient transaction then makes
    /// it atomic, and only other open transactions (a raw ADO.NET transaction, EF Core...) make it unsafe.
    /// </summary>
    public bool EnlistsInAmbientTransaction { get; init; }
}
