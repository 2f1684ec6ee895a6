namespace JobSafety;

/// <summary>A side effect found inside an open transaction, as passed to <see cref="JobSafetyOptions.OnViolation"/>.</summary>
public sealed class SideEffectViolation
{
    internal SideEffectViolation(SideEffectCategory category, string target, string transaction, string? callingMethod, bool inBaselineTodo, string message)
    {
        Category = category;
        Target = target;
        Transaction = transaction;
        CallingMethod = callingMethod;
        IsBaselineTodo = inBaselineTodo;
        Message = message;
    }

    /// <summary>The category of the side effect.</summary>
    public SideEffectCategory Category { get; }

    /// <summary>The sanitized target of the side effect.</summary>
    public string Target { get; }

    /// <summary>A description of the open transaction (kind, provider, where it began when known).</summary>
    public string Transaction { get; }

    /// <summary>The application method that caused it (<c>Namespace.Type.Method</c>), when found.</summary>
    public string? CallingMethod { get; }

    /// <summary>True when the calling method is listed under <c>todo</c> in the baseline (reported, never thrown).</summary>
    public bool IsBaselineTodo { get; }

    /// <summary>The full, secret-free message.</summary>
    public string Message { get; }
}
