namespace Billing.Invoices;

using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Hangfire;
using Npgsql;

public class InvoiceRun
{
    public static void Mail(int id) { }

    public void InSwitch(int kind, int id)
    {
        switch (kind)
        {
            case 1:
                using (var scope = new TransactionScope())
                {
                    BackgroundJob.Enqueue(() => Mail(id));
                    scope.Complete();
                }
                break;
            default:
                break;
        }
    }

    public void Nested(string cs, int id)
    {
        using (var scope = new TransactionScope())
        using (var conn = new NpgsqlConnection(cs))
        {
            conn.Open();
            BackgroundJob.Enqueue(() => Mail(id));
            scope.Complete();
        }
    }

    public void Embedded(bool enabled, int id)
    {
        if (enabled)
            using (var scope = new TransactionScope())
            {
                BackgroundJob.Enqueue(() => Mail(id));
                scope.Complete();
            }
    }

    public async Task Discard(NpgsqlConnection conn, HttpClient http, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        _ = http.PostAsync("https://hook", null);
        var ct2 = ct;
        await http.PostAsync("https://hook/2", null, ct2).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public int Total
    {
        set
        {
            using var conn = new NpgsqlConnection("Host=db");
            using var tx = conn.BeginTransaction();
            BackgroundJob.Enqueue(() => Mail(value));
            tx.Commit();
        }
    }
}
