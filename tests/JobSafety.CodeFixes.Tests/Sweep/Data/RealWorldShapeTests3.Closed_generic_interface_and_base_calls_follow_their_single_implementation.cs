using System.Net.Mail;
using System.Threading.Tasks;
using Hangfire;
using Npgsql;

public record InvoicePaid(int Id);
public record InvoiceVoided(int Id);
public interface IDomainEventHandler<TEvent> { Task Handle(TEvent domainEvent); }

public class InvoicePaidMailer : IDomainEventHandler<InvoicePaid>
{
    private readonly SmtpClient _smtp = new();
    public Task Handle(InvoicePaid domainEvent) => _smtp.SendMailAsync("billing@app.invalid", "customer@app.invalid", "Paid", domainEvent.Id.ToString());
}

public class InvoiceVoidedAudit : IDomainEventHandler<InvoiceVoided>
{
    public Task Handle(InvoiceVoided domainEvent) => Task.CompletedTask;
}

public interface IJobQueue<TPayload> { void Push(TPayload payload); }

public class HangfireJobQueue<TPayload> : IJobQueue<TPayload>
{
    private readonly IBackgroundJobClient _client;
    public HangfireJobQueue(IBackgroundJobClient client) { _client = client; }
    public void Push(TPayload payload) => _client.Enqueue(() => System.Console.WriteLine(payload));
}

public abstract class Projection<TEvent> { public abstract Task Apply(TEvent e); }
public sealed class PaidProjection : Projection<InvoicePaid>
{
    private readonly SmtpClient _smtp = new();
    public override Task Apply(InvoicePaid e) => _smtp.SendMailAsync("a@app.invalid", "b@app.invalid", "projected", "x");
}
public sealed class VoidedProjection : Projection<InvoiceVoided> { public override Task Apply(InvoiceVoided e) => Task.CompletedTask; }

public class Billing
{
    private readonly IDomainEventHandler<InvoicePaid> _paid;
    private readonly IDomainEventHandler<InvoiceVoided> _voided;
    private readonly IJobQueue<int> _queue;
    private readonly Projection<InvoicePaid> _paidProjection;
    private readonly Projection<InvoiceVoided> _voidedProjection;

    public Billing(IDomainEventHandler<InvoicePaid> paid, IDomainEventHandler<InvoiceVoided> voided, IJobQueue<int> queue,
        Projection<InvoicePaid> paidProjection, Projection<InvoiceVoided> voidedProjection)
    { _paid = paid; _voided = voided; _queue = queue; _paidProjection = paidProjection; _voidedProjection = voidedProjection; }

    public async Task Pay(NpgsqlConnection conn, int id)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await _paid.Handle(new InvoicePaid(id)); _queue.Push(id); await _paidProjection.Apply(new InvoicePaid(id));
        await _voided.Handle(new InvoiceVoided(id));
        await _voidedProjection.Apply(new InvoiceVoided(id));
        await tx.CommitAsync();
    }

    public async Task Dispatch<TEvent>(NpgsqlConnection conn, IDomainEventHandler<TEvent> handler, TEvent e)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await handler.Handle(e);
        await tx.CommitAsync();
    }
}