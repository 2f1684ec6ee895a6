using System.Threading.Tasks;
using Npgsql;
using RabbitMQ.Client;

public class Relay
{
    public async Task Forward(NpgsqlConnection conn, IChannel channel, byte[] body)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await channel.BasicPublishAsync("", "orders", body);
        await tx.CommitAsync();
        await channel.BasicPublishAsync("", "orders.done", body);
    }
}