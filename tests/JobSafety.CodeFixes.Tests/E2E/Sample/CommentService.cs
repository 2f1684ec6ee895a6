using System.Net.Mail;
using System.Transactions;
using Hangfire;
using Npgsql;

namespace Sample;

public class CommentService
{
    private readonly HttpClient _http = new();

    public void Create(NpgsqlConnection conn, int commentId)
    {
        using var tx = conn.BeginTransaction();
        // tell the author
        BackgroundJob.Enqueue(() => Notify(commentId));
        BackgroundJob.Enqueue(() => Notify(commentId + 1));
        tx.Commit();
    }

    public async Task CreateAsync(NpgsqlConnection conn)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await _http.PostAsync("https://example.invalid/hook", null);
        await tx.CommitAsync();
    }

    public void Mail(SmtpClient smtp, MailMessage message)
    {
        using (var scope = new TransactionScope())
        {
            smtp.Send(message); // after the insert
            scope.Complete();
        }
    }

    public string CreateAndReturnJob(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        var jobId = BackgroundJob.Enqueue(() => Notify(0));
        tx.Commit();
        return jobId;
    }

    public static void Notify(int commentId)
    {
    }
}
