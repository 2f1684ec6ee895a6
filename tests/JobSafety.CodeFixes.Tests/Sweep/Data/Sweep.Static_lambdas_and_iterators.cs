using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.EntityFrameworkCore;

public class CatalogDb : DbContext { }

public class Importer
{
    public static void Reindex(int id) { }

    public Task Static(CatalogDb db, HttpClient http)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync((db, http), static async state =>
        {
            await using var tx = await state.db.Database.BeginTransactionAsync();
            await state.db.SaveChangesAsync();
            await state.http.PostAsync("https://search/reindex", null);
            BackgroundJob.Enqueue(() => Reindex(1));
            await tx.CommitAsync();
        });
    }

    public async IAsyncEnumerable<int> Stream(CatalogDb db, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < 3; i++)
        {
            yield return i;
        }

        BackgroundJob.Enqueue(() => Reindex(3));
        await tx.CommitAsync(cancellationToken);
    }

    public void SyncOverAsync(CatalogDb db, HttpClient http)
    {
        using var tx = db.Database.BeginTransaction();
        http.PostAsync("https://search/reindex", null).GetAwaiter().GetResult();
        db.SaveChanges();
        db.Database.CommitTransaction();
    }

    public void WithTry(CatalogDb db, HttpClient http, int id)
    {
        using var tx = db.Database.BeginTransaction();
        try
        {
            db.SaveChanges();
            BackgroundJob.Enqueue(() => Reindex(id));
            tx.Commit();
        }
        catch (DbUpdateException)
        {
            tx.Rollback();
        }
    }
}
