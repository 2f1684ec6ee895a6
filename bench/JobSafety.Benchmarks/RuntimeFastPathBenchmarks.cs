using BenchmarkDotNet.Attributes;

namespace JobSafety.Benchmarks;

/// <summary>
/// The guard's and AfterCommit's fast paths (RUNTIME.md §5). The mode is configured explicitly to Throw: a check that
/// wrongly flags would throw and fail the run instead of silently measuring the logging path.
/// </summary>
/// <remarks>Transactions and allow scopes are opened synchronously in the setup: an AsyncLocal set by a synchronous
/// method stays on the thread's execution context, and BenchmarkDotNet runs setup and benchmark on the same thread. The
/// setup verifies the state it relies on.</remarks>
[MemoryDiagnoser]
public class GuardNoTransactionBenchmarks
{
    [GlobalSetup]
    public void Setup()
    {
        RuntimeSetup.ConfigureThrow();
        if (TransactionTracking.IsInsideTransaction) throw new InvalidOperationException("A transaction is open; this benchmark needs none.");
    }

    /// <summary>Target ≤ 20 ns, 0 bytes.</summary>
    [Benchmark]
    public void Check() => SideEffects.Check(SideEffectCategory.Http, "GET example.invalid/ping");
}

[MemoryDiagnoser]
public class GuardTransactionOpenBenchmarks
{
    private TrackedTransaction _transaction = null!;
    private IDisposable _allow = null!;

    [GlobalSetup]
    public void Setup()
    {
        RuntimeSetup.ConfigureThrow();
        _transaction = TransactionTracking.Begin("Bench");
        _allow = SideEffects.Allow(SideEffectCategory.Http, "benchmark: allowed effect");
        if (!TransactionTracking.IsInsideTransaction) throw new InvalidOperationException("The transaction is not visible to the benchmark's flow.");
        if (SideEffects.WouldBeFlagged(SideEffectCategory.Http)) throw new InvalidOperationException("The allow scope is not visible.");
        if (!SideEffects.WouldBeFlagged(SideEffectCategory.Enqueue)) throw new InvalidOperationException("Enqueue should be flagged.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _allow.Dispose();
        _transaction.Rollback();
    }

    /// <summary>Target ≤ 100 ns: one transaction open, the category allowed by <c>SideEffects.Allow</c>.</summary>
    [Benchmark]
    public void CheckAllowed() => SideEffects.Check(SideEffectCategory.Http, "GET example.invalid/ping");

    /// <summary>For reference: the question "would this be flagged" for the blocked category (no throw, no report).</summary>
    [Benchmark]
    public bool WouldBeFlaggedBlocked() => SideEffects.WouldBeFlagged(SideEffectCategory.Enqueue);
}

/// <summary>AfterCommit registration inside an open transaction. A transaction cannot stay open across millions of
/// registrations (its list would grow without bound), so each invocation begins a manual transaction, registers
/// <see cref="PerTransaction"/> callbacks and commits (running the empty delegates); <see cref="BeginCommit"/> is the
/// same without registrations. Per registration = (Register − BeginCommit) / PerTransaction.</summary>
[MemoryDiagnoser]
public class AfterCommitBenchmarks
{
    public const int PerTransaction = 32;
    private static readonly Action s_noop = () => { };

    [GlobalSetup]
    public void Setup() => RuntimeSetup.ConfigureThrow();

    [Benchmark(Baseline = true)]
    public void BeginCommit()
    {
        var tx = TransactionTracking.Begin("Bench");
        tx.Commit();
    }

    [Benchmark]
    public void Register32AndCommit()
    {
        var tx = TransactionTracking.Begin("Bench");
        for (var i = 0; i < PerTransaction; i++) TransactionEvents.AfterCommit(s_noop);
        tx.Commit();
    }

    [Benchmark]
    public void Register1AndCommit()
    {
        var tx = TransactionTracking.Begin("Bench");
        TransactionEvents.AfterCommit(s_noop);
        tx.Commit();
    }
}

internal static class RuntimeSetup
{
    public static void ConfigureThrow() => JobSafetyConfiguration.Configure(o =>
    {
        o.Mode = GuardMode.Throw;
        o.NoTransactionBehavior = NoTransactionBehavior.Run;
        o.CaptureTransactionOrigin = false;
    });
}
