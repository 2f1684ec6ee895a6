namespace JobSafety.AdoNet;

/// <summary>A synchronous exception from the provider as the completed task an async method would have returned.</summary>
internal static class Faulted
{
    internal static Task<T> Task<T>(Exception error) =>
        error is OperationCanceledException cancelled && cancelled.CancellationToken.IsCancellationRequested
            ? System.Threading.Tasks.Task.FromCanceled<T>(cancelled.CancellationToken)
            : System.Threading.Tasks.Task.FromException<T>(error);

    internal static ValueTask ValueTask(Exception error) => new(Task<object?>(error));

    internal static ValueTask<T> ValueTask<T>(Exception error) => new(Task<T>(error));
}
