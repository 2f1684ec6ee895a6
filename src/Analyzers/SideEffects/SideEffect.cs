namespace JobSafety.Analyzers.SideEffects;

/// <summary>What the catalog knows about one side-effecting method.</summary>
internal sealed class SideEffect
{
    public SideEffect(SideEffectCategory category, string displayName, string verb, string? catalogType = null, bool throughBus = false)
    {
        Category = category;
        DisplayName = displayName;
        Verb = verb;
        CatalogType = catalogType;
        ThroughBus = throughBus;
    }

    /// <summary>A MassTransit publish or send made on the bus itself (<c>IBus</c>), which MassTransit's bus outbox does not capture.</summary>
    public bool ThroughBus { get; }

    /// <summary>The catalog row's library type (e.g. <c>Hangfire.IBackgroundJobClient</c>); null for what the user declared.</summary>
    public string? CatalogType { get; }

    public SideEffectCategory Category { get; }

    /// <summary>How the call is named in messages, e.g. <c>BackgroundJob.Enqueue</c>.</summary>
    public string DisplayName { get; }

    /// <summary>What it does, e.g. <c>enqueues a background job</c>.</summary>
    public string Verb { get; }
}
