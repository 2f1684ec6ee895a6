using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers.Regions;

/// <summary>How a region was opened.</summary>
internal enum TransactionSiteKind
{
    /// <summary><c>new TransactionScope(...)</c>: committed when it is disposed.</summary>
    Scope,

    /// <summary><c>BeginTransaction[Async]()</c> of ADO.NET, a provider, EF Core, NHibernate or CAP.</summary>
    DbTransaction,

    /// <summary>A parameter of a transaction type: the caller holds the transaction open.</summary>
    Parameter,

    /// <summary>A delegate argument of a method that runs it inside a transaction.</summary>
    TransactionMethod,
}

/// <summary>One place where a transaction is opened, as named in diagnostics.</summary>
internal sealed class TransactionSite
{
    public TransactionSite(TransactionSiteKind kind, SyntaxNode syntax, string description)
    {
        Kind = kind;
        Syntax = syntax;
        Description = description;
    }

    public TransactionSiteKind Kind { get; }

    /// <summary>The library type handed to the begin call whose writes join this transaction (CAP's <c>BeginTransaction(capPublisher)</c>), if any.</summary>
    public string? EnlistedLibrary { get; set; }

    public SyntaxNode Syntax { get; }

    /// <summary>E.g. <c>the transaction opened by 'conn.BeginTransaction()' (line 12)</c>.</summary>
    public string Description { get; }

    public Location Location => Syntax.GetLocation();

    /// <summary>Where the side effect may go instead, for the message's "move it after ..." part.</summary>
    public string MoveHint => Kind switch
    {
        TransactionSiteKind.Scope => "move it after the TransactionScope is disposed",
        TransactionSiteKind.DbTransaction => "move it after Commit()",
        TransactionSiteKind.Parameter => "move it to the caller, after its Commit()",
        _ => "move it after the call returns",
    };

    public static string Line(SyntaxNode syntax) =>
        (syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ShortText(SyntaxNode syntax)
    {
        var text = syntax.ToString();
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }
}
