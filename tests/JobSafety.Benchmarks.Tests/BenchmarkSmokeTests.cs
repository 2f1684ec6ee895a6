using JobSafety.Benchmarks;
using JobSafety.Tests.Infrastructure;

namespace JobSafety.Benchmarks.Tests;

/// <summary>
/// Runs every benchmark method once, in process (setup, methods, cleanup called directly; no BenchmarkDotNet process
/// spawning), to prove the benchmarks still build and run. Never asserts on timings; it asserts only the facts the
/// benchmarks rely on (the corpora produce / do not produce diagnostics, the guarded calls really are guarded).
/// </summary>
[Collection(nameof(RuntimeConfigurationCollection))]
public class BenchmarkSmokeTests
{
    [Theory]
    [InlineData(CorpusKind.Clean)]
    [InlineData(CorpusKind.Diagnostic)]
    [InlineData(CorpusKind.Ordinary)]
    public async Task Analyzer_overhead_benchmarks_run_on_a_small_corpus(CorpusKind corpus)
    {
        var bench = new AnalyzerOverheadBenchmarks { Files = 20, Corpus = corpus };
        bench.Setup();

        var empty = await bench.EmptyAnalyzer();
        var sideEffect = await bench.SideEffectInTransaction();
        var connectionBound = await bench.ConnectionBoundJobArgument();
        var all = await bench.JobSafetyAnalyzers();

        Assert.Empty(empty);
        Assert.Equal(sideEffect.Length + connectionBound.Length, all.Length);
        if (corpus != CorpusKind.Diagnostic)
        {
            Assert.Empty(all);
        }
        else
        {
            Assert.NotEmpty(sideEffect);
            Assert.NotEmpty(connectionBound);
        }
    }

    [Fact]
    public async Task Analyzer_harness_measures_a_small_corpus()
    {
        var row = await AnalyzerOverheadHarness.MeasureAsync(20, CorpusKind.Diagnostic, rounds: 1, warmups: 0, telemetryRuns: 1);

        Assert.Equal(2, row.ExecutionMs.Count);
        Assert.True(row.Diagnostics > 0);
    }

    [Fact]
    public void Guard_without_transaction_runs()
    {
        var bench = new GuardNoTransactionBenchmarks();
        bench.Setup();
        bench.Check();
    }

    [Fact]
    public void Guard_with_allowed_transaction_runs()
    {
        var bench = new GuardTransactionOpenBenchmarks();
        bench.Setup();
        try
        {
            bench.CheckAllowed();
            Assert.True(bench.WouldBeFlaggedBlocked());
        }
        finally
        {
            bench.Cleanup();
        }

        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public void AfterCommit_benchmarks_run()
    {
        var bench = new AfterCommitBenchmarks();
        bench.Setup();
        bench.BeginCommit();
        bench.Register1AndCommit();
        bench.Register32AndCommit();
        Assert.False(TransactionTracking.IsInsideTransaction);
    }

    [Fact]
    public async Task Integration_overhead_benchmarks_run_and_the_guarded_calls_are_guarded()
    {
        var bench = new IntegrationOverheadBenchmarks();
        bench.Setup();
        try
        {
            using (await bench.HttpRaw()) { }
            using (await bench.HttpGuarded()) { }
            bench.RedisStringSetRaw();
            bench.RedisStringSetGuarded();
            bench.RedisListLeftPushRaw();
            bench.RedisListLeftPushGuarded();
            bench.HangfireFilterOnCreating();

            // Inside a transaction (Throw mode) the guarded variants throw and the raw ones do not: the benchmark measures real guards.
            using var tx = TransactionTracking.Begin("SmokeTest");
            await Assert.ThrowsAnyAsync<NonAtomicSideEffectException>(() => bench.HttpGuarded());
            Assert.ThrowsAny<NonAtomicSideEffectException>(() => bench.RedisStringSetGuarded());
            Assert.ThrowsAny<NonAtomicSideEffectException>(() => bench.RedisListLeftPushGuarded());
            Assert.ThrowsAny<NonAtomicSideEffectException>(() => bench.HangfireFilterOnCreating());
            bench.RedisStringSetRaw();
            tx.Rollback();
        }
        finally
        {
            bench.Cleanup();
        }
    }

    [Fact]
    public async Task End_to_end_benchmarks_run_on_postgres()
    {
        var bench = new EndToEndBenchmarks { ConnectionString = TestServices.RequirePostgres(), Table = "jobsafety_bench_smoke" };
        bench.Setup();
        try
        {
            await bench.RawNpgsql();
            await bench.Wrapped();
            await bench.Wrapped5AfterCommit();
        }
        finally
        {
            bench.Cleanup();
        }
    }
}

/// <summary>The benchmarks configure the process-wide guard mode: these tests do not run in parallel with each other.</summary>
[CollectionDefinition(nameof(RuntimeConfigurationCollection), DisableParallelization = true)]
public class RuntimeConfigurationCollection
{
}
