namespace JobSafety;

/// <summary>What the guard does when a side effect happens inside an open transaction.</summary>
public enum GuardMode
{
    /// <summary>Throw a <see cref="NonAtomicSideEffectException"/> before the side effect happens.</summary>
    Throw,

    /// <summary>Log a warning, add an <see cref="System.Diagnostics.Activity"/> event, count it in the
    /// <c>jobsafety.violations</c> metric and call the <see cref="JobSafetyOptions.OnViolation"/> callbacks.</summary>
    Report,

    /// <summary>Do nothing.</summary>
    Off,
}
