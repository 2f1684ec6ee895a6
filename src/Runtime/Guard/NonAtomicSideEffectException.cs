namespace JobSafety;

/// <summary>
/// Thrown by the guard in <see cref="GuardMode.Throw"/> before a side effect that would happen inside an open database
/// transaction. The message names the effect, the transaction, why it is unsafe and how to fix it.
/// </summary>
public class NonAtomicSideEffectException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NonAtomicSideEffectException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NonAtomicSideEffectException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonAtomicSideEffectException(string message, Exception innerException) : base(message, innerException) { }

    internal NonAtomicSideEffectException(SideEffectViolation violation) : base(violation.Message) => Violation = violation;

    /// <summary>Details of the violation (null when constructed by user code).</summary>
    public SideEffectViolation? Violation { get; }

    internal static NonAtomicSideEffectException For(SideEffectViolation violation) => violation.Category switch
    {
        SideEffectCategory.Enqueue => new NonAtomicEnqueueException(violation),
        SideEffectCategory.Mail => new NonAtomicMailException(violation),
        SideEffectCategory.Http => new NonAtomicHttpCallException(violation),
        _ => new NonAtomicOtherSideEffectException(violation),
    };
}

/// <summary>An enqueue (background job, queue message) inside an open transaction.</summary>
public sealed class NonAtomicEnqueueException : NonAtomicSideEffectException
{
    /// <summary>Creates the exception.</summary>
    public NonAtomicEnqueueException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NonAtomicEnqueueException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonAtomicEnqueueException(string message, Exception innerException) : base(message, innerException) { }

    internal NonAtomicEnqueueException(SideEffectViolation violation) : base(violation) { }
}

/// <summary>An e-mail sent inside an open transaction.</summary>
public sealed class NonAtomicMailException : NonAtomicSideEffectException
{
    /// <summary>Creates the exception.</summary>
    public NonAtomicMailException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NonAtomicMailException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonAtomicMailException(string message, Exception innerException) : base(message, innerException) { }

    internal NonAtomicMailException(SideEffectViolation violation) : base(violation) { }
}

/// <summary>An HTTP request sent inside an open transaction.</summary>
public sealed class NonAtomicHttpCallException : NonAtomicSideEffectException
{
    /// <summary>Creates the exception.</summary>
    public NonAtomicHttpCallException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NonAtomicHttpCallException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonAtomicHttpCallException(string message, Exception innerException) : base(message, innerException) { }

    internal NonAtomicHttpCallException(SideEffectViolation violation) : base(violation) { }
}

/// <summary>Another side effect inside an open transaction.</summary>
public sealed class NonAtomicOtherSideEffectException : NonAtomicSideEffectException
{
    /// <summary>Creates the exception.</summary>
    public NonAtomicOtherSideEffectException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NonAtomicOtherSideEffectException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonAtomicOtherSideEffectException(string message, Exception innerException) : base(message, innerException) { }

    internal NonAtomicOtherSideEffectException(SideEffectViolation violation) : base(violation) { }
}

/// <summary>The JobSafety configuration is invalid (for example a malformed baseline file). The message names the file,
/// the line and what to do.</summary>
public sealed class JobSafetyConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobSafetyConfigurationException() { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public JobSafetyConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JobSafetyConfigurationException(string message, Exception innerException) : base(message, innerException) { }
}
