using Microsoft.Build.Locator;

namespace JobSafety.Cli;

internal static class MSBuildSetup
{
    private static readonly Lock Gate = new();

    /// <summary>Registers the MSBuild of the installed .NET SDK (once), before MSBuildWorkspace is touched.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (MSBuildLocator.IsRegistered)
            {
                return;
            }

            var instance = MSBuildLocator.QueryVisualStudioInstances()
                .OrderByDescending(i => i.Version)
                .FirstOrDefault()
                ?? throw new UsageException("no .NET SDK with MSBuild was found: install the .NET SDK (dotnet --info lists the installed SDKs).");
            MSBuildLocator.RegisterInstance(instance);
        }
    }
}
