using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Regions;

/// <summary>The syntax-only pre-filter must never hide a region: helpers declared in another file are still followed.</summary>
public class RegionPrefilterTests
{
    private const string Helper = """
        using System;
        using System.Transactions;
        public class Work
        {
            public void Run(Action action)
            {
                using var scope = new TransactionScope();
                action();
                scope.Complete();
            }
        }
        """;

    [Fact]
    public async Task Lambda_passed_to_a_transaction_helper_declared_in_another_file_is_a_region()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            public class Caller
            {
                public void M(Work work, HttpClient http) => work.Run(() => { _ = {|#0:http.GetAsync("http://example.invalid/")|}; });
            }
            """);
        test.TestState.Sources.Add(("Work.cs", Helper));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Same_call_outside_the_helper_in_a_file_without_transactions_is_not_reported()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            public class Caller
            {
                public void M(Work work, HttpClient http)
                {
                    work.Run(() => { });
                    _ = http.GetAsync("http://example.invalid/");
                }
            }
            """);
        test.TestState.Sources.Add(("Work.cs", Helper));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("BeginTransaction", true)]
    [InlineData("TransactionScope", true)]
    [InlineData("IDbContextTransaction", true)]
    [InlineData("BeginScope", true)]
    [InlineData("SaveChangesAsync", false)]
    [InlineData("Enqueue", false)]
    public void Transaction_words(string identifier, bool expected) =>
        Assert.Equal(expected, JobSafety.Analyzers.Regions.RegionPrefilter.IsTransactionWord(identifier));
}
