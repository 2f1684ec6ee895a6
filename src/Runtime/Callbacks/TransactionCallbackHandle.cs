namespace JobSafety;

/// <summary>
/// Returned by every <see cref="TransactionEvents"/> registration. <see cref="Task"/> completes when the work
/// ran, faults when the work threw, and is cancelled when the work was dropped (the transaction rolled back,
/// or, for <c>AfterRollback</c>, committed).
/// </summary>
/// <remarks>The handle is the registration itself (one object per registration); its task is created only when
/// <see cref="Task"/> is first read. Reading it after the work ran, failed or was dropped returns a task that is
/// already completed, faulted or cancelled, and every read returns the same task.</remarks>
public sealed partial class TransactionCallbackHandle
{
    private const int OutcomePending = 0;
    private const int OutcomeRan = 1;
    private const int OutcomeFaulted = 2;
    private const int OutcomeCanceled = 3;

    private TaskCompletionSource? _completion;
    private Exception? _error;
    private int _outcome;

    /// <summary>Completes when the work ran; faults when it threw; is cancelled when it was dropped.</summary>
    public Task Task
    {
        get
        {
            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                // Full fence: either the completing thread sees the source, or we see its outcome (or both).
                completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
                Publish(completion, Volatile.Read(ref _outcome));
            }
            return completion.Task;
        }
    }

    private void SetOutcome(int outcome, Exception? error)
    {
        if (error is not null) _error = error;
        // Full fence: the outcome (and the error written before it) is published before the source is read.
        if (Interlocked.CompareExchange(ref _outcome, outcome, OutcomePending) != OutcomePending) return;
        if (Volatile.Read(ref _completion) is { } completion) Publish(completion, outcome);
    }

    private void Publish(TaskCompletionSource completion, int outcome)
    {
        switch (outcome)
        {
            case OutcomeRan: completion.TrySetResult(); break;
            case OutcomeFaulted: completion.TrySetException(Volatile.Read(ref _error)!); break;
            case OutcomeCanceled: completion.TrySetCanceled(); break;
        }
    }

    internal void SetRan() => SetOutcome(OutcomeRan, null);

    internal void SetFaulted(Exception error) => SetOutcome(OutcomeFaulted, error);

    internal void SetCanceled() => SetOutcome(OutcomeCanceled, null);
}
