namespace JobSafety.Analyzers.SideEffects;

/// <summary>What the catalog knows about one side-effecting method.</summary>
internal sealed class SideEffect
{
    public SideEffect(SideEffectCategory category, string displayName, string verb, string? catalogType = null, bool throughBus = false, bool onConsumeContext = false)
    {
        Category = category;
        DisplayName = displayName;
        Verb = verb;
        CatalogType = catalogType;
        ThroughBus = throughBus;
        OnConsumeContext = onConsumeContext;
    }

    /// <summary>A MassTransit publish or send made on the bus itself (<c>IBus</c>), which MassTransit's bus outbox does not capture.</summary>
    public bool ThroughBus { get; }

    /// <summary>
    /// A MassTransit publish or send made on a consumer's <c>ConsumeContext</c>: held by a consumer outbox (in-memory or
    /// transactional) until the consumer has completed, and not captured by the bus outbox.
    /// </summary>
    public bool OnConsumeContext { get; }

    /// <summary>The catalog row's library type (e.g. <c>Hangfire.IBackgroundJobClient</c>); null for what the user declared.</summary>
    public string? CatalogType { get; }

    public SideEffectCategory Category { get; }

    /// <summary>How the call is named in messages, e.g. <c>BackgroundJob.Enqueue</c>.</summary>
    public string DisplayName { get; }

    /// <summary>What it does, e.g. <c>enqueues a background job</c>.</summary>
    public string Verb { get; }
}
