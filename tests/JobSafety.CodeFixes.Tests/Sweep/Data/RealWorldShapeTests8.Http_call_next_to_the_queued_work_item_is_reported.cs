using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

public interface IWorkQueue
{
    ValueTask QueueAsync(Func<CancellationToken, ValueTask> item);
    ValueTask<Func<CancellationToken, ValueTask>> DequeueAsync(CancellationToken ct);
}

public sealed class WorkQueue : IWorkQueue
{
    private readonly Channel<Func<CancellationToken, ValueTask>> _items = Channel.CreateBounded<Func<CancellationToken, ValueTask>>(100);
    public ValueTask QueueAsync(Func<CancellationToken, ValueTask> item) => _items.Writer.WriteAsync(item);
    public ValueTask<Func<CancellationToken, ValueTask>> DequeueAsync(CancellationToken ct) => _items.Reader.ReadAsync(ct);
}

public class SurveyDb : DbContext { }

public class SurveyService
{
    private readonly SurveyDb _db;
    private readonly IWorkQueue _queue;
    private readonly HttpClient _http;
    public SurveyService(SurveyDb db, IWorkQueue queue, HttpClient http) { _db = db; _queue = queue; _http = http; }

    public async Task Close(int id)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _db.SaveChangesAsync();
        await _queue.QueueAsync(async ct => { await _http.PostAsync($"/surveys/{id}/closed", null, ct); });
        await _http.PostAsync($"/surveys/{id}/closing", null);
        await tx.CommitAsync();
    }
}