// Stand-in for the JobSafety runtime's AfterCommit surface (the sample does not reference src/Runtime).
namespace JobSafety;

public static class TransactionEvents
{
    public static IDisposable AfterCommit(Action callback)
    {
        callback();
        return new Registration();
    }

    public static IDisposable AfterCommit(Func<CancellationToken, Task> callback)
    {
        callback(CancellationToken.None).GetAwaiter().GetResult();
        return new Registration();
    }

    private sealed class Registration : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
