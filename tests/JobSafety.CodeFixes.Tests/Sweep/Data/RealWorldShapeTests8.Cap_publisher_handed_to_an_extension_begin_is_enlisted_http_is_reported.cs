using System;
using System.Net.Http;
using System.Threading.Tasks;
using DotNetCore.CAP;

public interface IOrmWork : IDisposable { void Commit(); }

public static class CapOrmExtensions
{
    public static ICapTransaction BeginTransaction(this IOrmWork work, ICapPublisher publisher, bool autoCommit = false)
        => throw new NotSupportedException();
}

public class RefundService
{
    private readonly IOrmWork _work;
    private readonly ICapPublisher _cap;
    private readonly HttpClient _http;
    public RefundService(IOrmWork work, ICapPublisher cap, HttpClient http) { _work = work; _cap = cap; _http = http; }

    public async Task Refund(long order)
    {
        using (var tx = _work.BeginTransaction(_cap))
        {
            await _cap.PublishAsync("refund.issued", order);
            await _http.PostAsync($"/orders/{order}/refund", null);
            tx.Commit();
        }
    }
}