using System;
using System.Threading.Tasks;
using System.Transactions;
using Hangfire;

public delegate Task<TResponse> HandlerDelegate<TResponse>();

public class TxBehaviour<TResponse>
{
    public async Task<TResponse> Handle(object request, HandlerDelegate<TResponse> next)
    {
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        var result = await next();
        scope.Complete();
        return result;
    }
}

public class LogOnly<TResponse>
{
    public async Task<TResponse> Handle(object request, HandlerDelegate<TResponse> next) => await next();
}

public class BehaviourTests
{
    public async Task Runs_handler(IBackgroundJobClient jobs)
    {
        var behaviour = new TxBehaviour<int>();
        await behaviour.Handle(new object(), () =>
        {
            jobs.Enqueue(() => Console.WriteLine("x"));
            return Task.FromResult(1);
        });
    }
}