using System.Net.Http.Json;
using System.Transactions;
using CommentsApp.Model;
using Hangfire;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using MimeKit;
using Npgsql;

namespace CommentsApp.Unsafe;

/// <summary>Each method here has a side effect that escapes its transaction. JobSafety flags every one.</summary>
public sealed class CommentService(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, HttpClient http, IDistributedCache cache)
{
    // JS0001: the worker can pick the job up before the commit and find no comment.
    public async Task<long> CreateAsync(long postId, string author, string body)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await InsertAsync(connection, transaction, postId, author, body);
        jobs.Enqueue(() => CommentJobs.NotifyAuthor(id));
        await transaction.CommitAsync();
        return id;
    }

    // JS0001 through a call: reported at the call site, with the chain.
    public async Task<long> CreateAndNotifyAsync(long postId, string author, string body)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await InsertAsync(connection, transaction, postId, author, body);
        ScheduleNotification(id);
        await transaction.CommitAsync();
        return id;
    }

    // JS0002: the e-mail goes out even if the scope never completes. Complete() is not the commit.
    public async Task ApproveAsync(long commentId, string authorEmail)
    {
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        await MarkApprovedAsync(commentId);
        scope.Complete();
        await SendApprovalMailAsync(authorEmail);
    }

    // JS0003: the webhook sees a comment that may never be committed.
    public async Task ModerateAsync(CommentsDb db, long commentId)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var comment = await db.Comments.SingleAsync(c => c.Id == commentId);
        db.Comments.Remove(comment);
        await db.SaveChangesAsync();
        await http.PostAsJsonAsync("https://moderation.example/hooks/removed", new { commentId });
        await transaction.CommitAsync();
    }

    // JS0004: a rollback leaves the cache saying the comment exists.
    public void Edit(NpgsqlConnection connection, long commentId, string body)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("update comments set body = @b where id = @id", connection, transaction))
        {
            command.Parameters.AddWithValue("b", body);
            command.Parameters.AddWithValue("id", commentId);
            command.ExecuteNonQuery();
        }

        cache.SetString($"comment:{commentId}", body);
        transaction.Commit();
    }

    // JS0005: the job runs later, elsewhere; this connection is long closed by then.
    public void Reindex(NpgsqlConnection connection, long commentId) =>
        BackgroundJob.Enqueue(() => CommentJobs.Reindex(connection, commentId));

    private void ScheduleNotification(long id) => jobs.Enqueue(() => CommentJobs.NotifyAuthor(id));

    private static async Task SendApprovalMailAsync(string to)
    {
        using var smtp = new SmtpClient();
        var message = new MimeMessage();
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Your comment was approved";
        await smtp.SendAsync(message);
    }

    private static Task MarkApprovedAsync(long commentId) => Task.CompletedTask;

    private static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long postId, string author, string body)
    {
        await using var command = new NpgsqlCommand("insert into comments(post_id, author, body) values (@p, @a, @b) returning id", connection, transaction);
        command.Parameters.AddWithValue("p", postId);
        command.Parameters.AddWithValue("a", author);
        command.Parameters.AddWithValue("b", body);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
