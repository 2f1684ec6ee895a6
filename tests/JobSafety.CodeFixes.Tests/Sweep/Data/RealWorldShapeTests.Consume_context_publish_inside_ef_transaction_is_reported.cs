using System.Threading.Tasks;
using MassTransit;
using Microsoft.EntityFrameworkCore;

public record OrderSubmitted(int Id);
public record OrderAccepted(int Id);
public class OrdersDb : DbContext { }

public class SubmitConsumer : IConsumer<OrderSubmitted>
{
    private readonly OrdersDb _db;
    public SubmitConsumer(OrdersDb db) => _db = db;

    public async Task Consume(ConsumeContext<OrderSubmitted> context)
    {
        await using var tx = await _db.Database.BeginTransactionAsync(context.CancellationToken);
        await _db.SaveChangesAsync(context.CancellationToken);
        await context.Publish(new OrderAccepted(context.Message.Id));
        await tx.CommitAsync(context.CancellationToken);
        await context.Publish(new OrderAccepted(-context.Message.Id));
    }
}