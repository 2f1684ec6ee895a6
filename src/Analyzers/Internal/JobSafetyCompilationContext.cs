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
/// The symbols, the catalog and the summaries are resolved on first use, i.e. only when a file passes the
/// pre-filter: a compilation (in the IDE, every edit makes one) with no transactional code pays for none of it.
/// </summary>
internal sealed class JobSafetyCompilationContext
{
    private readonly Compilation _compilation;
    private readonly AnalyzerConfigOptionsProvider _optionsProvider;
    private readonly ConcurrentDictionary<string, Configured> _byOptions = new();
    private readonly ConcurrentDictionary<SyntaxTree, Configured> _byTree = new();

    private readonly System.Lazy<TransactionSymbols> _symbols;

    public JobSafetyCompilationContext(Compilation compilation, AnalyzerConfigOptionsProvider optionsProvider)
    {
        _compilation = compilation;
        _optionsProvider = optionsProvider;
        _symbols = new System.Lazy<TransactionSymbols>(() => TransactionSymbols.Create(compilation), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public TransactionSymbols Symbols => _symbols.Value;

    public Compilation Compilation => _compilation;

    public Configured For(SyntaxTree tree)
    {
        if (_byTree.TryGetValue(tree, out var configured))
        {
            return configured;
        }

        var snapshot = AnalyzerOptionsSnapshot.Read(_optionsProvider.GetOptions(tree));
        configured = _byOptions.GetOrAdd(snapshot.Key, _ => new Configured(snapshot, _compilation, _symbols));
        _byTree.TryAdd(tree, configured);
        return configured;
    }

    /// <summary>The pieces that depend on the options.</summary>
    internal sealed class Configured
    {
        private int _errorsReported;

        private readonly System.Lazy<SideEffectCatalog> _catalog;
        private readonly System.Lazy<MethodSummaries> _summaries;

        public Configured(AnalyzerOptionsSnapshot snapshot, Compilation compilation, System.Lazy<TransactionSymbols> symbols)
        {
            Options = JobSafetyOptions.Parse(snapshot, compilation);
            Prefilter = new RegionPrefilter(compilation, Options.TransactionMethods, System.Threading.CancellationToken.None);
            _catalog = new System.Lazy<SideEffectCatalog>(() => SideEffectCatalog.Create(compilation, Options.AdditionalSideEffects, Options.TransactionalApis), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            BusOutbox = new BusOutboxDetector(compilation);
            _summaries = new System.Lazy<MethodSummaries>(() => new MethodSummaries(compilation, Catalog, symbols.Value, Options) { OpenerNames = Prefilter.IsOpenerName }, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public JobSafetyOptions Options { get; }

        /// <summary>The syntax-only test that skips methods which cannot open a region.</summary>
        public RegionPrefilter Prefilter { get; }

        public SideEffectCatalog Catalog => _catalog.Value;

        /// <summary>Whether the project configures MassTransit's bus outbox (decided on first use).</summary>
        public BusOutboxDetector BusOutbox { get; }

        public MethodSummaries Summaries => _summaries.Value;

        /// <summary>True once: the option errors of this set are reported on the first file that uses it.</summary>
        public bool ClaimErrorReport() => System.Threading.Interlocked.Exchange(ref _errorsReported, 1) == 0;
    }
}
