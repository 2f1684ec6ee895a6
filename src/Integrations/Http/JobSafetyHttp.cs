using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace JobSafety.Http;

/// <summary>
/// Guards every <see cref="HttpClient"/> request of the process through the <c>HttpHandlerDiagnosticListener</c> events:
/// <c>System.Net.Http.HttpRequestOut.Start</c> is written on the caller's flow before the request leaves, and an exception
/// thrown by the observer reaches the caller of <c>SendAsync</c>/<c>GetAsync</c>... The check is
/// <see cref="SideEffectCategory.Http"/> with the target <c>METHOD host/path</c> (never the query string, user info or
/// headers). Call <see cref="Subscribe"/> once at start-up (or <c>services.AddJobSafetyHttp()</c>, which does it).
/// </summary>
/// <remarks>The diagnostics handler is part of the default <see cref="SocketsHttpHandler"/>/<see cref="HttpClientHandler"/>
/// pipeline unless the <c>System.Net.Http.EnableActivityPropagation</c> switch is off; for clients built without it,
/// add <see cref="JobSafetyHttpHandler"/> (the IHttpClientFactory registration adds it to every client).</remarks>
public static class JobSafetyHttp
{
    internal const string ListenerName = "HttpHandlerDiagnosticListener";
    internal const string ActivityName = "System.Net.Http.HttpRequestOut";
    internal const string StartEvent = "System.Net.Http.HttpRequestOut.Start";

    /// <summary>The request option that marks a request as already checked (by <see cref="JobSafetyHttpHandler"/>).</summary>
    internal static readonly HttpRequestOptionsKey<bool> CheckedKey = new("JobSafety.Checked");

    private static readonly object s_gate = new();
    private static IDisposable? s_subscription;

    /// <summary>True once <see cref="Subscribe"/> has been called (and not undone).</summary>
    public static bool IsSubscribed => Volatile.Read(ref s_subscription) is not null;

    /// <summary>Subscribes to HttpClient's diagnostic events, once per process (later calls do nothing).</summary>
    /// <returns>A handle whose disposal ends the subscription (usually kept for the life of the process).</returns>
    public static IDisposable Subscribe()
    {
        lock (s_gate)
        {
            s_subscription ??= DiagnosticListener.AllListeners.Subscribe(new AllListenersObserver());
            return new Unsubscriber();
        }
    }

    /// <summary>Describes a request as <c>METHOD host/path</c>: no scheme, port, query string, fragment, user info or headers.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The target.</returns>
    public static string Describe(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        if (uri is null) return request.Method.Method;
        if (!uri.IsAbsoluteUri) return request.Method.Method + " " + uri.OriginalString.Split('?', '#')[0];
        return request.Method.Method + " " + uri.Host + uri.AbsolutePath;
    }

    /// <summary>Checks a request once: the handler and the listener may both see it.</summary>
    internal static void Check(HttpRequestMessage request)
    {
        // No transaction can be open: nothing to check, and no need to describe the request or touch its options.
        if (!SideEffects.IsGuardActive) return;
        if (request.Options.TryGetValue(CheckedKey, out var done) && done) return;
        SideEffects.Check(SideEffectCategory.Http, Describe(request));
        request.Options.Set(CheckedKey, true);
    }

    private sealed class Unsubscriber : IDisposable
    {
        public void Dispose()
        {
            lock (s_gate)
            {
                s_subscription?.Dispose();
                s_subscription = null;
                foreach (var sub in ListenerObserver.Subscriptions.Values) sub.Dispose();
                ListenerObserver.Subscriptions.Clear();
            }
        }
    }

    private sealed class AllListenersObserver : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name != ListenerName) return;
            var subscription = value.Subscribe(ListenerObserver.Instance, static (name, _, _) =>
                name == ActivityName || name == StartEvent);
            ListenerObserver.Subscriptions[value] = subscription;
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    private sealed class ListenerObserver : IObserver<KeyValuePair<string, object?>>
    {
        internal static readonly ListenerObserver Instance = new();
        internal static readonly ConcurrentDictionary<DiagnosticListener, IDisposable> Subscriptions = new();
        private static readonly ConcurrentDictionary<Type, PropertyInfo?> s_requestProperty = new();

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != StartEvent || value.Value is not { } payload) return;
            var property = s_requestProperty.GetOrAdd(payload.GetType(), static t => t.GetProperty("Request"));
            if (property?.GetValue(payload) is HttpRequestMessage request) Check(request);
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}

/// <summary>
/// A <see cref="DelegatingHandler"/> that checks each request (<see cref="SideEffectCategory.Http"/>, <c>METHOD host/path</c>)
/// before passing it on, and marks it so that the diagnostic listener does not check it again. Added to every
/// IHttpClientFactory client by <c>services.AddJobSafetyHttp()</c>; add it yourself to hand-built pipelines.
/// </summary>
public sealed class JobSafetyHttpHandler : DelegatingHandler
{
    /// <summary>Creates the handler (set <see cref="DelegatingHandler.InnerHandler"/> when not used with IHttpClientFactory).</summary>
    public JobSafetyHttpHandler()
    {
    }

    /// <summary>Creates the handler around <paramref name="innerHandler"/>.</summary>
    /// <param name="innerHandler">The next handler.</param>
    public JobSafetyHttpHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        JobSafetyHttp.Check(request);
        return base.Send(request, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        JobSafetyHttp.Check(request);
        return base.SendAsync(request, cancellationToken);
    }
}
