using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace JobSafety.Analyzers.Regions;

/// <summary>Where a delegate argument runs, relative to the call it is passed to.</summary>
internal enum DelegateDisposition
{
    /// <summary>Assumed to run where the call is made (LINQ, ForEach, Task.Run...).</summary>
    RunsWhereInvoked,

    /// <summary>Runs later, after the transaction ends (AfterCommit, event handlers, stored callbacks).</summary>
    Deferred,

    /// <summary>Runs inside a transaction that the callee opens (unit-of-work helpers, ExecuteInTransaction).</summary>
    RunsInTransaction,
}

/// <summary>Tells the region model where delegate arguments run and what source callees do to transactions. Implemented with the method summaries and options.</summary>
internal interface IDelegateOracle
{
    DelegateDisposition Classify(IOperation call, IMethodSymbol target, IParameterSymbol? parameter);

    /// <summary>What a call to a source method does to the transactions its caller sees (begins one it leaves open, ends one).</summary>
    TransactionEffect GetTransactionEffect(IMethodSymbol method);
}
