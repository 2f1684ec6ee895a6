using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Distributed;
using Npgsql;

public class Handler
{
    public async Task Run(NpgsqlConnection conn, IDistributedCache cache, int kind)
    {
        switch (kind)
        {
            case 1:
                using (var tx = conn.BeginTransaction())
                {
                    await cache.RemoveAsync("k1");
                }

                await cache.RemoveAsync("k1b");
                break;
            case 2:
            {
                using var tx = conn.BeginTransaction();
                await cache.RemoveAsync("k2");
                tx.Commit();
                break;
            }
        }

        await cache.RemoveAsync("after");
    }
}