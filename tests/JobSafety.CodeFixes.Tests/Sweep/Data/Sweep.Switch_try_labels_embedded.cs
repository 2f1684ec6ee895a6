using System;
using System.Net.Http;
using System.Threading.Tasks;
using Hangfire;
using MailKit.Net.Smtp;
using MimeKit;
using Npgsql;

public class Orders
{
    public static void Ship(int id) { }

    public async Task Switch(NpgsqlConnection conn, int kind, int id, HttpClient http)
    {
        await using var tx = await conn.BeginTransactionAsync();
        switch (kind)
        {
            case 1:
                BackgroundJob.Enqueue(() => Ship(id));
                break;
            case 2:
                await http.GetAsync("https://x/" + id).ConfigureAwait(false);
                break;
            default:
                if (id > 0) BackgroundJob.Enqueue(() => Ship(-id));
                break;
        }

        await tx.CommitAsync();
    }

    public void TryCatch(NpgsqlConnection conn, int id, SmtpClient smtp, MimeMessage message)
    {
        using var tx = conn.BeginTransaction();
        try
        {
            smtp.Send(message);
            tx.Commit();
        }
        catch (Exception)
        {
            tx.Rollback();
            throw;
        }
        finally
        {
            BackgroundJob.Enqueue(() => Ship(id));
        }
    }

    public void Labeled(NpgsqlConnection conn, int id)
    {
        using var tx = conn.BeginTransaction();
        var attempts = 0;
    again:
        BackgroundJob.Enqueue(() => Ship(id));
        if (++attempts < 2) goto again;
        tx.Commit();
    }

    public void Checked(NpgsqlConnection conn, int id, SmtpClient smtp, MimeMessage message)
    {
        using var tx = conn.BeginTransaction();
        lock (this)
        {
            smtp?.Send(message);
        }

        tx.Commit();
    }
}
