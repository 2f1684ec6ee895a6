namespace JobSafety;

/// <summary>What kind of side effect a guarded call performs.</summary>
public enum SideEffectCategory
{
    /// <summary>Enqueues work for another process: a background job, a queue message, a stream entry.</summary>
    Enqueue,

    /// <summary>Sends an e-mail.</summary>
    Mail,

    /// <summary>Sends an HTTP request to another system.</summary>
    Http,

    /// <summary>Any other effect outside the database (a file, a cache write, a payment call...).</summary>
    Other,
}
