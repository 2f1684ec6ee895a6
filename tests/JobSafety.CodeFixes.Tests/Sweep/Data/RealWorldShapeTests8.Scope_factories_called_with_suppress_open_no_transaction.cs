using System;
using System.Net.Http;
using System.Threading.Tasks;
using System.Transactions;

public static class ScopeFactory
{
    public static TransactionScope CreateRoot() => CreateReadCommitted(TransactionScopeOption.RequiresNew);
    public static TransactionScope CreateSuppressed() => CreateReadCommitted(TransactionScopeOption.Suppress);

    public static TransactionScope CreateReadCommitted(TransactionScopeOption option)
    {
        var options = new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted, Timeout = TimeSpan.FromSeconds(60) };
        return new TransactionScope(option, options, TransactionScopeAsyncFlowOption.Enabled);
    }
}

public class TrackerSync
{
    private readonly HttpClient _http;
    public TrackerSync(HttpClient http) { _http = http; }

    public async Task Push(int vehicle)
    {
        using (var scope = ScopeFactory.CreateSuppressed())
        {
            await _http.PostAsync($"/vehicles/{vehicle}", null);
            scope.Complete();
        }

        using (var scope = ScopeFactory.CreateReadCommitted(TransactionScopeOption.Suppress))
        {
            await _http.PostAsync($"/vehicles/{vehicle}/ping", null);
            scope.Complete();
        }
    }

    public async Task Record(int vehicle)
    {
        using (var root = ScopeFactory.CreateRoot())
        {
            using (var quiet = ScopeFactory.CreateSuppressed())
            {
                quiet.Complete();
            }

            await _http.PostAsync($"/vehicles/{vehicle}/recorded", null);
            root.Complete();
        }
    }

    public async Task Store(int vehicle)
    {
        using (var scope = ScopeFactory.CreateReadCommitted(TransactionScopeOption.Required))
        {
            await _http.PostAsync($"/vehicles/{vehicle}/stored", null);
            scope.Complete();
        }
    }
}