using System;
using System.Data;
using System.Threading.Tasks;
using Dapper;
using MailKit.Net.Smtp;
using Microsoft.AspNetCore.Identity.UI.Services;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Npgsql;

namespace Microsoft.AspNetCore.Identity.UI.Services
{
    public interface IEmailSender { Task SendEmailAsync(string email, string subject, string htmlMessage); }
}

public class ClubDb : DbContext { }

public sealed class MailKitSender : IEmailSender
{
    public async Task SendEmailAsync(string email, string subject, string htmlMessage)
    {
        var message = new MimeMessage();
        message.To.Add(MailboxAddress.Parse(email));
        message.Subject = subject;
        message.Body = new TextPart("html") { Text = htmlMessage };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("smtp.example.org", 587);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }
}

public interface IMemberNotifier { Task WelcomeAsync(string email); }

public sealed class MemberNotifier : IMemberNotifier
{
    private readonly IEmailSender _mail;
    public MemberNotifier(IEmailSender mail) { _mail = mail; }
    public Task WelcomeAsync(string email) => _mail.SendEmailAsync(email, "Welcome", "<p>Hello</p>");
}

public sealed class PlainMailer
{
    public void Send(string to, string body)
    {
        using var client = new System.Net.Mail.SmtpClient("smtp.example.org");
        client.Send("club@example.org", to, "Receipt", body);
    }

    public MimeMessage Draft(string to) { var m = new MimeMessage(); m.To.Add(MailboxAddress.Parse(to)); return m; }
}

public class Membership
{
    private readonly ClubDb _db;
    private readonly IMemberNotifier _notifier;
    private readonly PlainMailer _mailer;
    public Membership(ClubDb db, IMemberNotifier notifier, PlainMailer mailer) { _db = db; _notifier = notifier; _mailer = mailer; }

    public async Task JoinAsync(string email)
    {
        await using var transaction = await _db.Database.BeginTransactionAsync();
        await _db.SaveChangesAsync();
        _mailer.Draft(email);
        await _notifier.WelcomeAsync(email);
        await transaction.CommitAsync();
        await _notifier.WelcomeAsync(email);
    }

    public void Renew(IDbConnection connection, string email)
    {
        connection.Open();
        using (var tx = connection.BeginTransaction())
        {
            connection.Execute("update members set until = until + 365", transaction: tx);
            _mailer.Send(email, "renewed");
            tx.Commit();
        }

        _mailer.Send(email, "renewed");
    }
}