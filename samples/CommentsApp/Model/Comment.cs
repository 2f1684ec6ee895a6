using Microsoft.EntityFrameworkCore;

namespace CommentsApp.Model;

public sealed class Comment
{
    public long Id { get; set; }

    public long PostId { get; set; }

    public string AuthorEmail { get; set; } = "";

    public string Body { get; set; } = "";
}

public sealed class CommentsDb(DbContextOptions<CommentsDb> options) : DbContext(options)
{
    public DbSet<Comment> Comments => Set<Comment>();
}

public static class CommentJobs
{
    /// <summary>Runs on a Hangfire worker: reads the comment back and notifies the post's author.</summary>
    public static void NotifyAuthor(long commentId) { }

    public static void Reindex(Npgsql.NpgsqlConnection connection, long commentId) { }
}
