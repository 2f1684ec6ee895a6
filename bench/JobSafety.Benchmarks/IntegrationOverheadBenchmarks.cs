using System.Net;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using JobSafety.Hangfire;
using JobSafety.Http;
using JobSafety.Redis;
using StackExchange.Redis;

namespace JobSafety.Benchmarks;

/// <summary>
/// Per-call cost the interceptors add to the call they guard, no transaction open (the common case), against the raw
/// call through the same stub transport: an in-memory HTTP handler, a no-op <see cref="IDatabase"/>, Hangfire's client
/// filter hook alone. The network is left out on purpose: a loopback round trip (~50 µs) would bury a ~50 ns difference.
/// </summary>
[MemoryDiagnoser]
public class IntegrationOverheadBenchmarks
{
    private static readonly Uri s_uri = new("http://example.invalid/orders/42?x=1");
    private HttpMessageInvoker _rawHttp = null!;
    private HttpMessageInvoker _guardedHttp = null!;
    private IDatabase _rawRedis = null!;
    private IDatabase _guardedRedis = null!;
    private JobSafetyClientFilter _filter = null!;
    private CreatingContext _creating = null!;

    [GlobalSetup]
    public void Setup()
    {
        RuntimeSetup.ConfigureThrow();
        _rawHttp = new HttpMessageInvoker(new StubHandler());
        _guardedHttp = new HttpMessageInvoker(new JobSafetyHttpHandler(new StubHandler()));
        _rawRedis = NoopProxy.Create<IDatabase>();
        _guardedRedis = _rawRedis.WithJobSafety();
        _filter = new JobSafetyClientFilter(new JobSafetyHangfireOptions { StorageEnlistsInTransactionScope = false });
        var job = Job.FromExpression(() => BenchJobs.Process(42));
        _creating = new CreatingContext(new CreateContext(new StubStorage(), NoopProxy.Create<IStorageConnection>(), job, new EnqueuedState()));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawHttp.Dispose();
        _guardedHttp.Dispose();
    }

    [Benchmark]
    public Task<HttpResponseMessage> HttpRaw() => _rawHttp.SendAsync(new HttpRequestMessage(HttpMethod.Post, s_uri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> HttpGuarded() => _guardedHttp.SendAsync(new HttpRequestMessage(HttpMethod.Post, s_uri), CancellationToken.None);

    [Benchmark]
    public bool RedisStringSetRaw() => _rawRedis.StringSet("order:42", "approved");

    [Benchmark]
    public bool RedisStringSetGuarded() => _guardedRedis.StringSet("order:42", "approved");

    [Benchmark]
    public long RedisListLeftPushRaw() => _rawRedis.ListLeftPush("queue:orders", "42");

    [Benchmark]
    public long RedisListLeftPushGuarded() => _guardedRedis.ListLeftPush("queue:orders", "42");

    /// <summary>The whole added cost of the Hangfire integration per enqueue: its OnCreating hook (the raw enqueue does not call it).</summary>
    [Benchmark]
    public void HangfireFilterOnCreating() => _filter.OnCreating(_creating);

    private sealed class StubHandler : HttpMessageHandler
    {
        private static readonly Task<HttpResponseMessage> s_ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => s_ok;
    }

    private sealed class StubStorage : JobStorage
    {
        public override IMonitoringApi GetMonitoringApi() => throw new NotSupportedException();

        public override IStorageConnection GetConnection() => NoopProxy.Create<IStorageConnection>();
    }
}

public static class BenchJobs
{
    public static void Process(long id)
    {
    }
}

/// <summary>An interface implementation whose every member does nothing and returns the default value (boxed once per return type).</summary>
public class NoopProxy : DispatchProxy
{
    private static readonly Dictionary<Type, object?> s_defaults = new();

    public static T Create<T>()
        where T : class => DispatchProxy.Create<T, NoopProxy>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var type = targetMethod?.ReturnType;
        if (type is null || !type.IsValueType || type == typeof(void)) return null;
        lock (s_defaults)
        {
            if (!s_defaults.TryGetValue(type, out var value)) s_defaults[type] = value = Activator.CreateInstance(type);
            return value;
        }
    }
}
