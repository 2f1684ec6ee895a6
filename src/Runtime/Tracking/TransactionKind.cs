namespace JobSafety;

/// <summary>Where a tracked transaction comes from.</summary>
public enum TransactionKind
{
    /// <summary>An ambient <see cref="System.Transactions.Transaction"/> (usually a <c>TransactionScope</c>).</summary>
    Ambient,

    /// <summary>An ADO.NET transaction begun through the JobSafety ADO.NET wrapper.</summary>
    AdoNet,

    /// <summary>An EF Core transaction reported by the EF Core interceptor.</summary>
    EfCore,

    /// <summary>A transaction reported through <see cref="TransactionTracking.Begin(string, string, string, int)"/>.</summary>
    Manual,
}
