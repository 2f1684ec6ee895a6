using System.Diagnostics;
using System.Reflection;

namespace JobSafety;

/// <summary>Finds the application method behind a violation by walking the stack (only ever on a violation).</summary>
internal static class CallerLocator
{
    private static readonly Assembly s_runtime = typeof(CallerLocator).Assembly;

    internal static string? FindCallingMethod()
    {
        var frames = new StackTrace(2, false).GetFrames();
        foreach (var frame in frames)
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null) continue;
            if (IsInfrastructure(type.Assembly)) continue;
            var name = Describe(type, method.Name);
            if (name is not null) return name;
        }
        return null;
    }

    // Per-assembly verdicts: Assembly.GetName() allocates, and origins are captured on every BeginTransaction in Throw mode.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, bool> s_infrastructure = new();

    private static bool IsInfrastructure(Assembly assembly) =>
        assembly == s_runtime || s_infrastructure.GetOrAdd(assembly, static a => IsInfrastructureName(a));

    private static bool IsInfrastructureName(Assembly assembly)
    {
        var name = assembly.GetName().Name ?? "";
        return name.StartsWith("System.", StringComparison.Ordinal)
            || name.Equals("System", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.", StringComparison.Ordinal)
            || name.Equals("mscorlib", StringComparison.Ordinal)
            || name.StartsWith("JobSafety.Integrations", StringComparison.Ordinal)
            || name.StartsWith("JobSafety.EntityFrameworkCore", StringComparison.Ordinal)
            || name is "JobSafety.Hangfire" or "JobSafety.Http" or "JobSafety.Redis" or "JobSafety.MailKit" or "JobSafety.DependencyInjection"
            || name.StartsWith("Castle.", StringComparison.Ordinal)
            || name.StartsWith("Hangfire", StringComparison.Ordinal)
            || name.StartsWith("Npgsql", StringComparison.Ordinal)
            || name.StartsWith("StackExchange.Redis", StringComparison.Ordinal)
            || name.StartsWith("MailKit", StringComparison.Ordinal)
            || name.StartsWith("xunit", StringComparison.Ordinal);
    }

    /// <summary>Maps compiler-generated names back: <c>&lt;Send&gt;d__3.MoveNext</c> → <c>Send</c>, lambdas and local functions
    /// to their containing method, display classes to their containing type.</summary>
    internal static string? Describe(Type type, string methodName)
    {
        var name = methodName;
        if (name.StartsWith('<')) name = InnerName(name);
        while (type.Name.StartsWith('<') && type.DeclaringType is not null)
        {
            if (name == "MoveNext" || name.Length == 0)
            {
                name = InnerName(type.Name);
            }
            type = type.DeclaringType;
        }
        if (name.Length == 0 || name == "MoveNext") return null;
        return TypeName(type) + "." + name;
    }

    private static string InnerName(string generated)
    {
        var trimmed = generated.TrimStart('<');
        var close = trimmed.IndexOf('>', StringComparison.Ordinal);
        return close > 0 ? trimmed[..close] : trimmed;
    }

    private static string TypeName(Type type)
    {
        var name = StripArity(type.Name);
        if (type.DeclaringType is not null) return TypeName(type.DeclaringType) + "." + name;
        return string.IsNullOrEmpty(type.Namespace) ? name : type.Namespace + "." + name;
    }

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
