using System;
using System.Threading.Tasks;
using MassTransit;
using Npgsql;

public class CallbackFactory
{
    private readonly IPublishEndpoint _bus;
    public CallbackFactory(IPublishEndpoint bus) { _bus = bus; }

    public Func<Task> Prepare(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        return () => _bus.Publish(new { Prepared = id });
    }

    public Func<NpgsqlConnection, Task> Worker() => async c =>
    {
        await using var tx = await c.BeginTransactionAsync();
        await _bus.Publish(new { Worked = 1 });
        await tx.CommitAsync();
    };
}