using System;
using System.Threading.Tasks;
using MassTransit;
using Microsoft.EntityFrameworkCore;

public class AppDb : DbContext { }
public record ReserveStock(int Id);

public class Checkout
{
    private readonly AppDb _db;
    private readonly ISendEndpointProvider _endpoints;
    public Checkout(AppDb db, ISendEndpointProvider endpoints) { _db = db; _endpoints = endpoints; }

    public async Task Run(int id)
    {
        using var tx = _db.Database.BeginTransaction();
        var endpoint = await _endpoints.GetSendEndpoint(new Uri("queue:stock"));
        await _db.SaveChangesAsync();
        await endpoint.Send(new ReserveStock(id));
        tx.Commit();
        await endpoint.Send(new ReserveStock(-id));
    }
}