using System.Net;
using System.Net.Sockets;
using System.Text;
using JobSafety.MailKit;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Npgsql;

namespace JobSafety.Integrations.Tests;

/// <summary>A MailKit send to a local SMTP sink that looks the comment up when the message arrives (before it answers 250).</summary>
[Collection(IntegrationCollection.Name)]
public sealed class MailKitTests : IDisposable
{
    private readonly Services _services;
    private readonly SmtpSink _sink = new();

    public MailKitTests(Services services) => _services = services;

    public void Dispose() => _sink.Dispose();

    private static MimeMessage Message(string key, int id, int recipients = 1)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.com"));
        for (var i = 0; i < recipients; i++) message.To.Add(MailboxAddress.Parse($"user{i}@example.com"));
        message.Subject = "New comment";
        message.Headers.Add("X-Probe", key + "|" + id);
        message.Body = new TextPart("plain") { Text = "secret body" };
        return message;
    }

    private async Task<T> ConnectedAsync<T>(T client) where T : IMailService
    {
        await client.ConnectAsync("127.0.0.1", _sink.Port, SecureSocketOptions.None);
        return client;
    }

    [Fact]
    public async Task Unguarded_the_mail_leaves_before_the_commit_and_the_reader_does_not_find_the_comment()
    {
        var key = Comments.NewKey("mail-race");
        using var smtp = await ConnectedAsync(new SmtpClient());
        await using var conn = new NpgsqlConnection(_services.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        await smtp.SendAsync(Message(key, id));

        Assert.False(await Probe.WaitAsync(key));
        await tx.CommitAsync();
    }

    [Fact]
    public async Task Guarded_client_and_transport_throw_and_no_message_is_sent()
    {
        var key = Comments.NewKey("mail-guard");
        using var smtp = await ConnectedAsync(new GuardedSmtpClient());
        using var plain = await ConnectedAsync(new SmtpClient());
        var transport = ((IMailTransport)plain).WithJobSafety();
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var id = await Comments.InsertAsync(conn, tx, "hello");

        var ex = await Assert.ThrowsAsync<NonAtomicMailException>(() => smtp.SendAsync(Message(key, id)));
        Assert.Contains("SMTP to 1 recipient", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret body", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<NonAtomicMailException>(() => transport.Send(Message(key, id, recipients: 2)));
        Assert.Equal("SMTP to 2 recipients", ex2.Violation!.Target);

        await tx.RollbackAsync();
        Assert.Equal(0, _sink.Messages);
        Assert.False(Probe.Reported(key));
        Assert.True(transport.IsConnected); // forwarded members
    }

    [Fact]
    public async Task Deferred_with_AfterCommit_the_reader_finds_the_comment_and_a_rollback_sends_nothing()
    {
        var key = Comments.NewKey("mail-defer");
        using var smtp = await ConnectedAsync(new GuardedSmtpClient());
        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(ct => smtp.SendAsync(Message(key, id), ct));
            await tx.CommitAsync();
        }
        Assert.True(await Probe.WaitAsync(key));

        var rolledBack = Comments.NewKey("mail-defer-rb");
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var id = await Comments.InsertAsync(conn, tx, "hello");
            TransactionEvents.AfterCommit(ct => smtp.SendAsync(Message(rolledBack, id), ct));
            await tx.RollbackAsync();
        }
        Assert.Equal(1, _sink.Messages);
        Assert.False(Probe.Reported(rolledBack));
    }

    /// <summary>Just enough SMTP: 220, EHLO/HELO 250, MAIL/RCPT 250, DATA 354, '.' 250, QUIT 221.</summary>
    private sealed class SmtpSink : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _messages;

        public SmtpSink()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(AcceptAsync);
        }

        public int Port { get; }

        public int Messages => Volatile.Read(ref _messages);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 sink ESMTP");
                string? line;
                while ((line = await reader.ReadLineAsync(_stop.Token)) is not null)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                        case "HELO":
                            await writer.WriteLineAsync("250 sink");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            string? probe = null;
                            while ((line = await reader.ReadLineAsync(_stop.Token)) is not null && line != ".")
                            {
                                if (line.StartsWith("X-Probe:", StringComparison.OrdinalIgnoreCase)) probe = line[8..].Trim();
                            }
                            Interlocked.Increment(ref _messages);
                            if (probe is not null)
                            {
                                var parts = probe.Split('|');
                                Probe.Report(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                            }
                            await writer.WriteLineAsync("250 queued");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default: // MAIL, RCPT, RSET, NOOP
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }
    }
}
