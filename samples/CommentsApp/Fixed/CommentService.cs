using System.Net.Http.Json;
using System.Transactions;
using CommentsApp.Model;
using Hangfire;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using MimeKit;
using Npgsql;

namespace CommentsApp.Fixed;

/// <summary>The same service with every side effect after the commit. JobSafety reports nothing here.</summary>
public sealed class CommentService(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, HttpClient http, IDistributedCache cache)
{
    public async Task<long> CreateAsync(long postId, string author, string body)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        long id;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            id = await InsertAsync(connection, transaction, postId, author, body);
            await transaction.CommitAsync();
        }

        jobs.Enqueue(() => CommentJobs.NotifyAuthor(id));
        return id;
    }

    public async Task ApproveAsync(long commentId, string authorEmail)
    {
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await MarkApprovedAsync(commentId);
            scope.Complete();
        }

        await SendApprovalMailAsync(authorEmail);
    }

    public async Task ModerateAsync(CommentsDb db, long commentId)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var comment = await db.Comments.SingleAsync(c => c.Id == commentId);
        db.Comments.Remove(comment);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await http.PostAsJsonAsync("https://moderation.example/hooks/removed", new { commentId });
    }

    public void Edit(NpgsqlConnection connection, long commentId, string body)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("update comments set body = @b where id = @id", connection, transaction))
        {
            command.Parameters.AddWithValue("b", body);
            command.Parameters.AddWithValue("id", commentId);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        cache.SetString($"comment:{commentId}", body);
    }

    public void Reindex(long commentId) => BackgroundJob.Enqueue(() => CommentJobs.NotifyAuthor(commentId));

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
