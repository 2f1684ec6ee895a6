using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace JobSafety.MailKit;

/// <summary>
/// A MailKit <see cref="SmtpClient"/> that asks the JobSafety guard before every send
/// (<see cref="SideEffectCategory.Mail"/>, target <c>SMTP to N recipient(s)</c>: never addresses, subjects or bodies).
/// Use it wherever you create an <see cref="SmtpClient"/>: <c>using var smtp = new GuardedSmtpClient();</c>.
/// </summary>
public class GuardedSmtpClient : SmtpClient
{
    /// <summary>Creates the client.</summary>
    public GuardedSmtpClient()
    {
    }

    /// <summary>Creates the client with a protocol logger.</summary>
    /// <param name="protocolLogger">The logger.</param>
    public GuardedSmtpClient(IProtocolLogger protocolLogger)
        : base(protocolLogger)
    {
    }

    /// <inheritdoc />
    public override string Send(FormatOptions options, MimeMessage message, CancellationToken cancellationToken = default, ITransferProgress? progress = null)
    {
        SideEffects.Check(SideEffectCategory.Mail, MailTargets.Describe(MailTargets.Count(message)));
        return base.Send(options, message, cancellationToken, progress);
    }

    /// <inheritdoc />
    public override Task<string> SendAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken = default, ITransferProgress? progress = null)
    {
        SideEffects.Check(SideEffectCategory.Mail, MailTargets.Describe(MailTargets.Count(message)));
        return base.SendAsync(options, message, cancellationToken, progress);
    }

    /// <inheritdoc />
    public override string Send(FormatOptions options, MimeMessage message, MailboxAddress sender, IEnumerable<MailboxAddress> recipients, CancellationToken cancellationToken = default, ITransferProgress? progress = null)
    {
        SideEffects.Check(SideEffectCategory.Mail, MailTargets.Describe(MailTargets.Count(recipients)));
        return base.Send(options, message, sender, recipients, cancellationToken, progress);
    }

    /// <inheritdoc />
    public override Task<string> SendAsync(FormatOptions options, MimeMessage message, MailboxAddress sender, IEnumerable<MailboxAddress> recipients, CancellationToken cancellationToken = default, ITransferProgress? progress = null)
    {
        SideEffects.Check(SideEffectCategory.Mail, MailTargets.Describe(MailTargets.Count(recipients)));
        return base.SendAsync(options, message, sender, recipients, cancellationToken, progress);
    }
}

/// <summary>
/// An <see cref="IMailTransport"/> decorator (works for <see cref="ISmtpClient"/> implementations too, as an
/// <see cref="IMailTransport"/>) that asks the JobSafety guard before every send; every other member forwards unchanged.
/// <c>IMailTransport transport = smtpClient.WithJobSafety();</c>
/// </summary>
public sealed partial class GuardedMailTransport : IMailTransport
{
    private readonly IMailTransport _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The transport to guard.</param>
    public GuardedMailTransport(IMailTransport inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The wrapped transport.</summary>
    public IMailTransport Inner => _inner;
}

/// <summary>Registration of the MailKit guard.</summary>
public static class JobSafetyMailKitExtensions
{
    /// <summary>Guards a transport: <c>IMailTransport guarded = transport.WithJobSafety();</c>.</summary>
    /// <param name="transport">The transport (e.g. an <see cref="SmtpClient"/>).</param>
    /// <returns>The guarded transport (a <see cref="GuardedSmtpClient"/> or an already guarded transport is returned as it is).</returns>
    public static IMailTransport WithJobSafety(this IMailTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return transport is GuardedSmtpClient or GuardedMailTransport ? transport : new GuardedMailTransport(transport);
    }
}

/// <summary>Secret-free targets: the number of recipients only.</summary>
internal static class MailTargets
{
    internal static int Count(IEnumerable<MailboxAddress>? recipients) => recipients?.Count() ?? 0;

    internal static int Count(MimeMessage? message)
    {
        if (message is null) return 0;
        var resent = message.ResentTo.Count + message.ResentCc.Count + message.ResentBcc.Count;
        if (resent > 0) return message.ResentTo.Mailboxes.Count() + message.ResentCc.Mailboxes.Count() + message.ResentBcc.Mailboxes.Count();
        return message.To.Mailboxes.Count() + message.Cc.Mailboxes.Count() + message.Bcc.Mailboxes.Count();
    }

    internal static string Describe(int recipients) =>
        recipients == 1 ? "SMTP to 1 recipient" : "SMTP to " + recipients.ToString(System.Globalization.CultureInfo.InvariantCulture) + " recipients";
}
