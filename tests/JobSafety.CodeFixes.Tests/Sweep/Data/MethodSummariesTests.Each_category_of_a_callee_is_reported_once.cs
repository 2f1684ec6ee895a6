using System;
using System.Threading.Tasks;
using Hangfire;
using Npgsql;
public class Signup
{
    public async Task Register(System.Net.Http.HttpClient http, System.Net.Mail.SmtpClient smtp)
    {
        BackgroundJob.Enqueue(() => Jobs.Run(1));
        BackgroundJob.Enqueue(() => Jobs.Run(2));
        await smtp.SendMailAsync(new System.Net.Mail.MailMessage());
        await http.GetAsync("https://example.com");
    }
}

public class Controller
{
    public async Task Post(NpgsqlConnection conn, Signup signup, System.Net.Http.HttpClient http, System.Net.Mail.SmtpClient smtp)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await signup.Register(http, smtp);
        await tx.CommitAsync();
    }
}
public static class Jobs { public static void Run(int id) { } }