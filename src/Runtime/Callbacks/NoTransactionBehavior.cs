namespace JobSafety;

/// <summary>What <see cref="TransactionEvents.AfterCommit(Action, bool, NoTransactionBehavior?)"/> does when no transaction is open.</summary>
public enum NoTransactionBehavior
{
    /// <summary>Run the work at once (the default).</summary>
    Run,

    /// <summary>Log a warning, then run the work at once.</summary>
    WarnAndRun,

    /// <summary>Throw an <see cref="InvalidOperationException"/>: the caller expected a transaction.</summary>
    Throw,
}
