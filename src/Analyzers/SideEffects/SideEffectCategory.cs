namespace JobSafety.Analyzers.SideEffects;

/// <summary>The kinds of non-atomic side effect; each maps to one rule.</summary>
internal enum SideEffectCategory
{
    Enqueue,
    Mail,
    Http,
    Other,
}

internal static class SideEffectCategoryNames
{
    public static bool TryParse(string text, out SideEffectCategory category)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "enqueue": category = SideEffectCategory.Enqueue; return true;
            case "mail": category = SideEffectCategory.Mail; return true;
            case "http": category = SideEffectCategory.Http; return true;
            case "other": category = SideEffectCategory.Other; return true;
            default: category = SideEffectCategory.Other; return false;
        }
    }

    /// <summary>What the call does, as a verb phrase: "'X' enqueues a background job".</summary>
    public static string DefaultVerb(SideEffectCategory category) => category switch
    {
        SideEffectCategory.Enqueue => "enqueues a job or message",
        SideEffectCategory.Mail => "sends an e-mail",
        SideEffectCategory.Http => "makes an HTTP request",
        _ => "performs a non-transactional write",
    };

    /// <summary>Why it is unsafe, as a clause after the colon.</summary>
    public static string Consequence(SideEffectCategory category) => category switch
    {
        SideEffectCategory.Enqueue => "the job or message can be handled before the commit, or after a rollback",
        SideEffectCategory.Mail => "the e-mail goes out even if the transaction rolls back",
        SideEffectCategory.Http => "the request is not undone by a rollback and the other side can act before the commit",
        _ => "the write is not undone by a rollback and others can see it before the commit",
    };
}
