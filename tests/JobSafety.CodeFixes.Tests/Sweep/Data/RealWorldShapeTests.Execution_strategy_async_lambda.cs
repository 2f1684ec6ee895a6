using System.Threading.Tasks;
using MassTransit;
using Microsoft.EntityFrameworkCore;

public record Paid(int Id);
public class PayDb : DbContext { }

public class PaymentService(PayDb db, IPublishEndpoint publish)
{
    public async Task Pay(int id)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await publish.Publish(new Paid(id));
            await tx.CommitAsync();
            await publish.Publish(new Paid(-id));
        });
        await publish.Publish(new Paid(0));
    }
}