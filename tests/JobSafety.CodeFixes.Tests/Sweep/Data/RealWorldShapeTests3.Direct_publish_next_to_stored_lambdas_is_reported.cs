using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using MassTransit;
using Npgsql;

public class AfterCommitRegister { public ICollection<Func<Task>> Handlers { get; } = new List<Func<Task>>(); }

public class InvoiceService
{
    private readonly Queue<Func<Task>> _pending = new();
    private readonly Dictionary<string, Func<Task>> _byName = new();

    public async Task Issue(NpgsqlConnection conn, IPublishEndpoint bus, AfterCommitRegister register, int id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var callbacks = new List<Func<Task>> { () => bus.Publish(new { Issued = id }) };
        register.Handlers.Add(() => bus.Publish(new { Registered = id }));
        _pending.Enqueue(async () => await bus.Publish(new { Pending = id }));
        _byName.Add("audit", () => bus.Publish(new { Audit = id }));
        await bus.Publish(new { Now = id });
        await tx.CommitAsync();
        foreach (var callback in callbacks) await callback();
    }
}