using System.Data.Common;
using JobSafety.AdoNet;

namespace JobSafety;

/// <summary>Wraps ADO.NET objects so that JobSafety tracks their transactions.</summary>
public static class JobSafetyAdoNetExtensions
{
    /// <summary>Wraps a data source: <c>var db = NpgsqlDataSource.Create(cs).WithJobSafety();</c>.</summary>
    /// <param name="dataSource">The provider's data source.</param>
    /// <returns>The wrapper (already-wrapped sources are returned as they are).</returns>
    public static JobSafetyDataSource WithJobSafety(this DbDataSource dataSource) =>
        dataSource as JobSafetyDataSource ?? new JobSafetyDataSource(dataSource);

    /// <summary>Wraps one connection (for code that creates connections itself).</summary>
    /// <param name="connection">The provider's connection.</param>
    /// <returns>The wrapper (already-wrapped connections are returned as they are).</returns>
    public static JobSafetyConnection WithJobSafety(this DbConnection connection) =>
        connection as JobSafetyConnection ?? new JobSafetyConnection(connection);
}
