using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using JobSafety.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobSafety.Integrations.Tests;

/// <summary>An HTTP call to a local test server (HttpListener) that looks the comment up when the request arrives.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class HttpTests : IDisposable
{
    private static readonly ConcurrentDictionary<string, int> s_violations = new();
    private readonly Services _services;
    private readonly HttpListener _listener = new();
    private readonly Task _server;
    private readonly string _baseUrl;

    static HttpTests()
    {
        JobSafetyConfiguration.Configure(o => o.OnViolation.Add(v => s_violations.AddOrUpdate(v.Target, 1, (_, n) => n + 1)));
    }

    public HttpTests(Services services)
    {
        _services = services;
        JobSafetyHttp.Subscribe();
        var port = FreePort();
        _baseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_baseUrl);
        _listener.Start();
        _server = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _server.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            // /hook/<key>/<commentId>
            var parts = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
            var found = Probe.Report(parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            context.Response.StatusCode = found ? 200 : 404;
            context.Response.Close();
        }
    }

    private string Url(string key, int id) => $"{_baseUrl}hook/{key}/{id}?token=s3cr3t";

    [Fact]
    public async Task Unguarded_the_server_is_called_before_the_commit_and_does_not_find_the_comment()
    {
        var key = Comments.NewKey("http-race");
        using var http = new HttpClient();
        await using var conn = new NpgsqlConnection(_services.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        using var response = await http.PostAsync(Url(key, id), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await Probe.WaitAsync(key));
        await tx.CommitAsync();
    }

    [Fact]
    public async Task Guarded_any_HttpClient_throws_before_the_request_leaves()
    {
        var key = Comments.NewKey("http-guard");
        using var http = new HttpClient();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        var ex = await Assert.ThrowsAsync<NonAtomicHttpCallException>(() => http.PostAsync(Url(key, id), null));
        Assert.Contains($"POST 127.0.0.1/hook/{key}/{id}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_baseUrl.TrimEnd('/').Split(':')[2], ex.Violation!.Target, StringComparison.Ordinal); // no port

        await tx.RollbackAsync();
        await Task.Delay(200);
        Assert.False(Probe.Reported(key), "the request never reached the server");
    }

    [Fact]
    public async Task Guarded_an_IHttpClientFactory_client_is_checked_once()
    {
        var key = Comments.NewKey("http-factory");
        var services = new ServiceCollection();
        services.AddJobSafetyHttp();
        services.AddHttpClient("hooks");
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("hooks");

        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        await Assert.ThrowsAsync<NonAtomicHttpCallException>(() => http.GetAsync(Url(key, id)));
        Assert.Equal(1, s_violations.GetValueOrDefault($"GET 127.0.0.1/hook/{key}/{id}"));

        using (SideEffects.Allow(SideEffectCategory.Http, "test: an allowed call goes through both paths unchecked"))
        {
            using var response = await http.GetAsync(Url(key, id));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(1, s_violations.GetValueOrDefault($"GET 127.0.0.1/hook/{key}/{id}"));
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_the_server_finds_the_comment_and_a_rollback_sends_nothing()
    {
        var key = Comments.NewKey("http-defer");
        using var http = new HttpClient();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(async ct => (await http.PostAsync(Url(key, id), null, ct)).EnsureSuccessStatusCode());
            await tx.CommitAsync(); // awaits the call
        }
        Assert.True(Probe.Reported(key));
        Assert.True(await Probe.WaitAsync(key));

        var rolledBack = Comments.NewKey("http-defer-rb");
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(async ct => await http.PostAsync(Url(rolledBack, id), null, ct));
            await tx.RollbackAsync();
        }
        await Task.Delay(200);
        Assert.False(Probe.Reported(rolledBack));
    }

    [Fact]
    public void Targets_keep_method_host_and_path_only()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://user:pw@api.example.com:8443/v1/hooks?api_key=x#frag");
        Assert.Equal("PUT api.example.com/v1/hooks", JobSafetyHttp.Describe(request));
    }
}
