using System;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using RestSharp;

namespace System.Net.Http
{
    // Microsoft.Extensions.Http's factory (not referenced by the tests): only hands out clients.
    public interface IHttpClientFactory { HttpClient CreateClient(string name); }
}

public class ShopDb : DbContext { }

public sealed class RatesClient
{
    private readonly HttpClient _http;
    public RatesClient(HttpClient http) { _http = http; }
    public Task<decimal> QuoteAsync(string currency) => _http.GetFromJsonAsync<decimal>($"rates/{currency}");
    public async Task NotifyAsync(int order) => (await _http.PostAsJsonAsync("hooks/orders", new { order })).EnsureSuccessStatusCode();
}

public sealed class Fulfilment
{
    private readonly IHttpClientFactory _factory;
    private readonly RestClient _rest;
    public Fulfilment(IHttpClientFactory factory, RestClient rest) { _factory = factory; _rest = rest; }

    public async Task ShipAsync(int order)
    {
        var client = _factory.CreateClient("warehouse");
        using var response = await client.PostAsync($"ship/{order}", null);
    }

    public Task<RestResponse> LabelAsync(int order) => _rest.ExecuteAsync(new RestRequest($"labels/{order}", Method.Post));
}

public class Checkout
{
    private readonly ShopDb _db;
    private readonly RatesClient _rates;
    private readonly Fulfilment _fulfilment;
    public Checkout(ShopDb db, RatesClient rates, Fulfilment fulfilment) { _db = db; _rates = rates; _fulfilment = fulfilment; }

    public async Task PlaceAsync(int order)
    {
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await _db.SaveChangesAsync();
            var request = new HttpRequestMessage(HttpMethod.Get, "rates/eur");
            await _rates.QuoteAsync("eur"); await _fulfilment.ShipAsync(order);
            scope.Complete();
        }

        await _rates.NotifyAsync(order);
        await _fulfilment.ShipAsync(order);
    }

    public async Task PayAsync(int order)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _db.SaveChangesAsync();
        await _fulfilment.LabelAsync(order); await _rates.NotifyAsync(order);
        await tx.CommitAsync();
        await _fulfilment.LabelAsync(order);
        await _rates.QuoteAsync("eur");
    }
}