using System.Threading.Tasks;
using Confluent.Kafka;
using Npgsql;

public class Relay
{
    public async Task Run(NpgsqlConnection conn, IProducer<string, string> producer, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            await producer.ProduceAsync("progress", new Message<string, string> { Key = "k", Value = i.ToString() });
            await using var tx = await conn.BeginTransactionAsync();
            await producer.ProduceAsync("rows", new Message<string, string> { Key = "k", Value = "v" });
            await tx.CommitAsync();
        }
    }
}