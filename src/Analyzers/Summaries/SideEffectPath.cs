using System.Collections.Immutable;
using JobSafety.Analyzers.SideEffects;

namespace JobSafety.Analyzers.Summaries;

/// <summary>A side effect a method performs, and the calls that lead to it (the callee first).</summary>
internal sealed class SideEffectPath
{
    public SideEffectPath(SideEffect effect, ImmutableArray<string> chain, bool onlyWithoutAmbientTransaction = false)
    {
        Effect = effect;
        Chain = chain;
        OnlyWithoutAmbientTransaction = onlyWithoutAmbientTransaction;
    }

    public SideEffect Effect { get; }

    /// <summary>Display names from the called method down to the side effect, e.g. CommentService.Create, NotifyAuthor, BackgroundJob.Enqueue.</summary>
    public ImmutableArray<string> Chain { get; }

    /// <summary>
    /// The side effect is reached only where <c>Transaction.Current</c> is null (a scheduler that enqueues at
    /// once without an ambient transaction and defers to TransactionCompleted otherwise): it cannot happen
    /// while a TransactionScope is open.
    /// </summary>
    public bool OnlyWithoutAmbientTransaction { get; }
}
