using System.Threading.Tasks;
using MassTransit;
using Npgsql;

public record Archived(int Id);

public class Archiver
{
    public async Task Archive(NpgsqlConnection conn, IPublishEndpoint bus, int id)
    {
        var tx = await conn.BeginTransactionAsync();
        try
        {
            await using var cmd = new NpgsqlCommand("delete from live where id = @id", conn, tx);
            await cmd.ExecuteNonQueryAsync();
            await bus.Publish(new Archived(-id));
            await tx.CommitAsync();
        }
        finally
        {
            await tx.DisposeAsync();
        }

        await bus.Publish(new Archived(id));
    }
}