namespace JobSafety;

/// <summary>
/// Returned by every <see cref="TransactionEvents"/> registration. <see cref="Task"/> completes when the work
/// ran, faults when the work threw, and is cancelled when the work was dropped (the transaction rolled back,
/// or, for <c>AfterRollback</c>, committed).
/// </summary>
public sealed class TransactionCallbackHandle
{
    internal TransactionCallbackHandle(Task task) => Task = task;

    /// <summary>Completes when the work ran; faults when it threw; is cancelled when it was dropped.</summary>
    public Task Task { get; }
}
