namespace JobSafety.CodeFixes.Tests.Infrastructure;

/// <summary>
/// The JobSafety runtime's public AfterCommit surface, as a source file added to test compilations that
/// "reference the runtime" (the fix is offered only when <c>JobSafety.TransactionEvents</c> resolves).
/// The shape of src/Runtime/Callbacks/TransactionEvents.cs (extra optional parameters; the return type is the
/// runtime's handle there), without the dependencies of the real assembly.
/// </summary>
public static class RuntimeStandIn
{
    public const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        namespace JobSafety
        {
            public static class TransactionEvents
            {
                public static IDisposable AfterCommit(Action work, bool prepend = false) => throw new NotImplementedException();

                public static IDisposable AfterCommit(Func<CancellationToken, Task> work, bool prepend = false) => throw new NotImplementedException();
            }
        }
        """;
}
