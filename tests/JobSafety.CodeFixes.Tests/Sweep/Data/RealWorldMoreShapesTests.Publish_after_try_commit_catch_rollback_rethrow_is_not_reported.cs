using System.Threading.Tasks;
using Confluent.Kafka;
using Npgsql;

public class Transfers
{
    private readonly IProducer<string, string> _producer;
    public Transfers(IProducer<string, string> producer) => _producer = producer;

    public async Task Move(NpgsqlConnection conn, string id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        try
        {
            await using var cmd = new NpgsqlCommand("update accounts set balance = balance - 1", conn, tx);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        catch
        {
            await tx.RollbackAsync();
            throw;
        }

        await _producer.ProduceAsync("transfers", new Message<string, string> { Key = id, Value = "moved" });
    }

    public async Task MoveAndSwallow(NpgsqlConnection conn, string id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        try
        {
            await _producer.ProduceAsync("transfers", new Message<string, string> { Key = id, Value = "moving" });
            await tx.CommitAsync();
        }
        catch
        {
            await tx.RollbackAsync();
        }
    }
}