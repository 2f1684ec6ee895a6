using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace JobSafety.EntityFrameworkCore;

/// <summary>
/// The isolation-level overloads (<c>Database.BeginTransactionAsync(IsolationLevel.Serializable)</c>) run through the
/// execution strategy, whose <c>ExecuteAsync</c> is an async method of the provider: the transaction manager is reached
/// from inside it, too late to open a flow scope on the caller's flow. This decorator does it when the operation's state is
/// the <see cref="DatabaseFacade"/> (the transaction calls); other operations (SaveChanges, queries) pass through untouched.
/// </summary>
internal sealed class JobSafetyExecutionStrategyFactory : IExecutionStrategyFactory
{
    private readonly IExecutionStrategyFactory _inner;

    public JobSafetyExecutionStrategyFactory(IExecutionStrategyFactory inner) => _inner = inner;

    public IExecutionStrategy Create() => new Strategy(_inner.Create());

    private sealed class Strategy : IExecutionStrategy
    {
        private readonly IExecutionStrategy _inner;

        public Strategy(IExecutionStrategy inner) => _inner = inner;

        public bool RetriesOnFailure => _inner.RetriesOnFailure;

        public TResult Execute<TState, TResult>(TState state, Func<DbContext, TState, TResult> operation, Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded) =>
            _inner.Execute(state, operation, verifySucceeded);

        public Task<TResult> ExecuteAsync<TState, TResult>(
            TState state,
            Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
            Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded,
            CancellationToken cancellationToken = default)
        {
            if (state is DatabaseFacade) JobSafetyTransactionManager.EnsureFlowScope();
            return _inner.ExecuteAsync(state, operation, verifySucceeded, cancellationToken);
        }
    }
}
