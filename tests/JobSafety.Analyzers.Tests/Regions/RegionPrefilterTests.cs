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
    [InlineData("Begin", true)]
    [InlineData("BeginAsync", true)]
    [InlineData("BeginScope", false)]
    [InlineData("BeginInvoke", false)]
    [InlineData("UnitOfWork", true)]
    [InlineData("SaveChangesAsync", false)]
    [InlineData("Enqueue", false)]
    public void Transaction_words(string identifier, bool expected) =>
        Assert.Equal(expected, JobSafety.Analyzers.Regions.RegionPrefilter.IsTransactionWord(identifier));

    // A helper of a helper: RunLogged opens nothing itself but calls Run, which does. The caller's file mentions neither.
    private const string HelperOfHelper = """
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

            public void RunLogged(Action action) => Run(action);
        }
        """;

    [Fact]
    public async Task Lambda_passed_to_a_helper_of_a_transaction_helper_is_a_region()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            public class Caller
            {
                public void M(Work work, HttpClient http) => work.RunLogged(() => { _ = {|#0:http.GetAsync("http://example.invalid/")|}; });
            }
            """);
        test.TestState.Sources.Add(("Work.cs", HelperOfHelper));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003"));
        await test.RunAsync();
    }

    // jobsafety.transaction_methods = T:...: every method of the type, although the caller names only the method.
    [Fact]
    public async Task Method_of_a_listed_type_is_found_by_its_name_in_a_file_without_transaction_words()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            public class Caller
            {
                public void M(Acme.Db db, HttpClient http) => db.Atomically(() => { _ = {|#0:http.GetAsync("http://example.invalid/")|}; });
            }
            """, "jobsafety.transaction_methods = T:Acme.Db\n");
        test.TestState.Sources.Add(("Db.cs", """
            namespace Acme;
            public class Db
            {
                public void Atomically(System.Action action) => action();
            }
            """));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003"));
        await test.RunAsync();
    }

    // A parameter whose type is a using alias of a transaction type, declared in another file (a global using).
    [Fact]
    public async Task Parameter_of_an_aliased_transaction_type_is_a_region()
    {
        var test = Verify.CreateTest("""
            using System.Net.Http;
            public class Repository
            {
                public void Save(Tx tx, HttpClient http) => _ = {|#0:http.GetAsync("http://example.invalid/")|};
            }
            """);
        test.TestState.Sources.Add(("GlobalUsings.cs", "global using Tx = System.Data.Common.DbTransaction;"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic("JS0003"));
        await test.RunAsync();
    }
}
