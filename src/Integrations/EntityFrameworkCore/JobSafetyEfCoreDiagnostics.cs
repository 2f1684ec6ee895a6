using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace JobSafety.EntityFrameworkCore;

/// <summary>
/// EF Core has no interceptor call for a transaction disposed without commit or rollback (the usual
/// <c>await using var tx = ...</c> that ends with an exception, or a failed <c>SaveChanges</c>): this listens to EF Core's
/// <c>TransactionDisposed</c> diagnostic event and reports such a transaction as rolled back.
/// </summary>
internal static class JobSafetyEfCoreDiagnostics
{
    private static readonly string s_disposed = RelationalEventId.TransactionDisposed.Name!;
    private static int s_subscribed;

    internal static void Subscribe()
    {
        if (Interlocked.Exchange(ref s_subscribed, 1) == 1) return;
        DiagnosticListener.AllListeners.Subscribe(new AllListeners());
    }

    private sealed class AllListeners : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) value.Subscribe(new Events(), static name => name == s_disposed);
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    private sealed class Events : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != s_disposed || value.Value is not TransactionEventData data) return;
            if (TransactionTracking.Find(data.Transaction) is { IsCompleted: false } tracked) tracked.NotifyRolledBack();
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
