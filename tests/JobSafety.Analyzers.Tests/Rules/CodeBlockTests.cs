using System.Collections.Immutable;
using JobSafety.Analyzers.Rules;
using JobSafety.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.Rules;

/// <summary>
/// The analyzers find the code blocks of a file from syntax (they run from a syntax tree action so that the driver binds
/// nothing for them): every kind of member body must be found, generated code must be skipped as the driver would.
/// </summary>
public class CodeBlockTests
{
    private const string Usings = """
        using System;
        using System.Net.Http;
        using Npgsql;

        """;

    [Fact]
    public Task Constructor_body_is_analysed() => Verify.VerifyAsync(Usings + """
        public class Seeder
        {
            public Seeder(NpgsqlConnection conn, HttpClient http)
            {
                using var tx = conn.BeginTransaction();
                _ = {|#0:http.GetAsync("https://example.invalid/")|};
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0003"));

    [Fact]
    public Task Property_accessor_and_expression_bodied_property_are_analysed() => Verify.VerifyAsync(Usings + """
        public class Holder
        {
            private readonly NpgsqlConnection _conn = null!;
            private readonly HttpClient _http = null!;

            public int Setter
            {
                set
                {
                    using var tx = _conn.BeginTransaction();
                    _ = {|#0:_http.GetAsync("https://example.invalid/" + value)|};
                    tx.Commit();
                }
            }

            public bool Arrow => Run(_conn.BeginTransaction(), {|#1:_http.GetAsync("https://example.invalid/")|});

            private static bool Run(NpgsqlTransaction tx, object o) => o is not null;
        }
        """, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));

    [Fact]
    public Task Indexer_and_operator_bodies_are_analysed() => Verify.VerifyAsync(Usings + """
        public class Money
        {
            public static NpgsqlConnection Conn = null!;
            public static HttpClient Http = null!;

            public int this[int i]
            {
                get
                {
                    using var tx = Conn.BeginTransaction();
                    _ = {|#0:Http.GetAsync("https://example.invalid/" + i)|};
                    tx.Commit();
                    return i;
                }
            }

            public static Money operator +(Money a, Money b)
            {
                using var tx = Conn.BeginTransaction();
                _ = {|#1:Http.GetAsync("https://example.invalid/")|};
                tx.Commit();
                return a;
            }
        }
        """, Verify.Diagnostic("JS0003", 0), Verify.Diagnostic("JS0003", 1));

    [Fact]
    public Task Methods_of_nested_types_in_namespaces_are_analysed() => Verify.VerifyAsync(Usings + """
        namespace Outer
        {
            namespace Inner
            {
                public class A
                {
                    public record B(NpgsqlConnection Conn, HttpClient Http)
                    {
                        public void M()
                        {
                            using var tx = Conn.BeginTransaction();
                            _ = {|#0:Http.GetAsync("https://example.invalid/")|};
                            tx.Commit();
                        }
                    }
                }
            }
        }
        """, Verify.Diagnostic("JS0003"));

    [Fact]
    public Task Member_marked_generated_code_is_not_analysed() => Verify.VerifyAsync(Usings + """
        [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
        public partial class Generated
        {
            public void M(NpgsqlConnection conn, HttpClient http)
            {
                using var tx = conn.BeginTransaction();
                _ = http.GetAsync("https://example.invalid/");
                tx.Commit();
            }
        }

        public class Handwritten
        {
            [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
            public void Generated(NpgsqlConnection conn, HttpClient http)
            {
                using var tx = conn.BeginTransaction();
                _ = http.GetAsync("https://example.invalid/");
                tx.Commit();
            }

            public void Written(NpgsqlConnection conn, HttpClient http)
            {
                using var tx = conn.BeginTransaction();
                _ = {|#0:http.GetAsync("https://example.invalid/")|};
                tx.Commit();
            }
        }
        """, Verify.Diagnostic("JS0003"));

    [Fact]
    public async Task Auto_generated_file_is_not_analysed()
    {
        var test = Verify.CreateTest("public class Nothing { }");
        test.TestState.Sources.Add(("Client.g.cs", "// <auto-generated/>\n" + Usings + """
            public class Client
            {
                public void M(NpgsqlConnection conn, HttpClient http)
                {
                    using var tx = conn.BeginTransaction();
                    _ = http.GetAsync("https://example.invalid/");
                    tx.Commit();
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task Method_that_only_mentions_a_transaction_in_a_comment_or_string_is_not_reported() => Verify.VerifyAsync(Usings + """
        public class Notes
        {
            // Transaction handling lives elsewhere; BeginTransaction is not called here.
            public void M(HttpClient http) => _ = http.GetAsync("https://example.invalid/Transaction/Begin");
        }
        """);

    /// <summary>
    /// The cost design, checked without timing: neither analyzer registers an operation, syntax-node, symbol,
    /// semantic-model or code-block callback, any of which makes the driver bind every method body of the compilation.
    /// </summary>
    [Fact]
    public async Task Analyzers_register_only_syntax_tree_callbacks()
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + """
            public class C
            {
                public void M(NpgsqlConnection conn, HttpClient http)
                {
                    using var tx = conn.BeginTransaction();
                    _ = http.GetAsync("https://example.invalid/");
                    tx.Commit();
                }
            }
            """);
        var compilation = CSharpCompilation.Create("Cost", new[] { tree }, TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new SideEffectInTransactionAnalyzer(), new ConnectionBoundJobArgumentAnalyzer());
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.Contains(diagnostics, d => d.Id == "JS0003");

        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            Assert.True(telemetry.SyntaxTreeActionsCount >= 1, analyzer.GetType().Name);
            Assert.Equal(0, telemetry.OperationActionsCount + telemetry.OperationBlockActionsCount + telemetry.OperationBlockStartActionsCount + telemetry.OperationBlockEndActionsCount);
            Assert.Equal(0, telemetry.SyntaxNodeActionsCount + telemetry.CodeBlockActionsCount + telemetry.CodeBlockStartActionsCount + telemetry.CodeBlockEndActionsCount);
            Assert.Equal(0, telemetry.SymbolActionsCount + telemetry.SymbolStartActionsCount + telemetry.SemanticModelActionsCount);
        }
    }
}
