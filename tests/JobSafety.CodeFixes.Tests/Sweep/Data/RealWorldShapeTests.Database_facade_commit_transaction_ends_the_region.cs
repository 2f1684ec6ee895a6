using System;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

public class AppDb : DbContext { }

public sealed class WrapInTransaction
{
    private readonly AppDb _db;
    private readonly HttpClient _http;
    public WrapInTransaction(AppDb db, HttpClient http) { _db = db; _http = http; }

    public async Task<object?> InvokeAsync(Func<Task<object?>> next)
    {
        await _db.Database.BeginTransactionAsync();
        try
        {
            await _http.GetAsync("https://audit.invalid/begin");
            var result = await next();
            await _db.Database.CommitTransactionAsync();
            await _http.GetAsync("https://audit.invalid/done");
            return result;
        }
        catch
        {
            await _db.Database.RollbackTransactionAsync();
            await _http.GetAsync("https://audit.invalid/failed");
            throw;
        }
    }
}