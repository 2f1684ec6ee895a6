using System.Collections.Immutable;
using JobSafety.Analyzers.SideEffects;

namespace JobSafety.Analyzers.Summaries;

/// <summary>A side effect a method performs, and the calls that lead to it (the callee first).</summary>
internal sealed class SideEffectPath
{
    public SideEffectPath(SideEffect effect, ImmutableArray<string> chain)
    {
        Effect = effect;
        Chain = chain;
    }

    public SideEffect Effect { get; }

    /// <summary>Display names from the called method down to the side effect, e.g. CommentService.Create, NotifyAuthor, BackgroundJob.Enqueue.</summary>
    public ImmutableArray<string> Chain { get; }
}
