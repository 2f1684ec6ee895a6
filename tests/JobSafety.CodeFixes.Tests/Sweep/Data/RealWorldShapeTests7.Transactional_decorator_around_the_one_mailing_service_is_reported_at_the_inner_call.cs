using System.Net.Mail;
using System.Threading.Tasks;
using System.Transactions;
using MassTransit;

public interface IOrderService { Task Place(int id); }

public sealed class OrderService : IOrderService
{
    private readonly SmtpClient _smtp;
    public OrderService(SmtpClient smtp) { _smtp = smtp; }
    public Task Place(int id) => _smtp.SendMailAsync("a@b.invalid", "c@d.invalid", "Placed", id.ToString());
}

public sealed class TransactionalOrderService : IOrderService
{
    private readonly IOrderService _inner;
    private readonly IPublishEndpoint _bus;
    public TransactionalOrderService(IOrderService inner, IPublishEndpoint bus) { _inner = inner; _bus = bus; }
    public async Task Place(int id)
    {
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await _inner.Place(id);
            scope.Complete();
        }

        await _bus.Publish(new { id });
    }
}

public interface ICommandHandler<TCommand> { Task Handle(TCommand command); }
public sealed record Create(int Id);
public sealed record Rename(int Id);

public sealed class CreateHandler : ICommandHandler<Create>
{
    private readonly SmtpClient _smtp;
    public CreateHandler(SmtpClient smtp) { _smtp = smtp; }
    public Task Handle(Create command) => _smtp.SendMailAsync("a@b.invalid", "c@d.invalid", "Created", command.Id.ToString());
}

public sealed class RenameHandler : ICommandHandler<Rename>
{
    public Task Handle(Rename command) => Task.CompletedTask;
}

public sealed class TransactionalHandler<TCommand> : ICommandHandler<TCommand>
{
    private readonly ICommandHandler<TCommand> _inner;
    private readonly IPublishEndpoint _bus;
    public TransactionalHandler(ICommandHandler<TCommand> inner, IPublishEndpoint bus) { _inner = inner; _bus = bus; }
    public async Task Handle(TCommand command)
    {
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await _inner.Handle(command);
            scope.Complete();
        }

        await _bus.Publish(new { Handled = typeof(TCommand).Name });
    }
}