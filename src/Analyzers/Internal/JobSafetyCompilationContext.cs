using System.Collections.Concurrent;
using JobSafety.Analyzers.Options;
using JobSafety.Analyzers.Regions;
using JobSafety.Analyzers.SideEffects;
using JobSafety.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace JobSafety.Analyzers;

/// <summary>
/// Everything resolved once per compilation: the transaction symbols, and per distinct option set
/// (usually one per project) the parsed options, the side-effect catalog and the method summaries.
/// </summary>
internal sealed class JobSafetyCompilationContext
{
    private readonly Compilation _compilation;
    private readonly AnalyzerConfigOptionsProvider _optionsProvider;
    private readonly ConcurrentDictionary<string, Configured> _byOptions = new();
    private readonly ConcurrentDictionary<SyntaxTree, Configured> _byTree = new();

    public JobSafetyCompilationContext(Compilation compilation, AnalyzerConfigOptionsProvider optionsProvider)
    {
        _compilation = compilation;
        _optionsProvider = optionsProvider;
        Symbols = TransactionSymbols.Create(compilation);
    }

    public TransactionSymbols Symbols { get; }

    public Compilation Compilation => _compilation;

    public Configured For(SyntaxTree tree)
    {
        if (_byTree.TryGetValue(tree, out var configured))
        {
            return configured;
        }

        var snapshot = AnalyzerOptionsSnapshot.Read(_optionsProvider.GetOptions(tree));
        configured = _byOptions.GetOrAdd(snapshot.Key, _ => new Configured(snapshot, _compilation, Symbols));
        _byTree.TryAdd(tree, configured);
        return configured;
    }

    /// <summary>The pieces that depend on the options.</summary>
    internal sealed class Configured
    {
        private int _errorsReported;

        public Configured(AnalyzerOptionsSnapshot snapshot, Compilation compilation, TransactionSymbols symbols)
        {
            Options = JobSafetyOptions.Parse(snapshot, compilation);
            Prefilter = new RegionPrefilter(compilation, System.Linq.Enumerable.Select(Options.TransactionMethods, s => s.Name), System.Threading.CancellationToken.None);
            Catalog = SideEffectCatalog.Create(compilation, Options.AdditionalSideEffects, Options.TransactionalApis);
            Summaries = new MethodSummaries(compilation, Catalog, symbols, Options);
        }

        public JobSafetyOptions Options { get; }

        /// <summary>The syntax-only test that skips methods which cannot open a region.</summary>
        public RegionPrefilter Prefilter { get; }

        public SideEffectCatalog Catalog { get; }

        public MethodSummaries Summaries { get; }

        /// <summary>True once: the option errors of this set are reported on the first file that uses it.</summary>
        public bool ClaimErrorReport() => System.Threading.Interlocked.Exchange(ref _errorsReported, 1) == 0;
    }
}
