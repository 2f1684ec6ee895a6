using JobSafety.Cli.Tests.Infrastructure;

namespace JobSafety.Cli.Tests.Scan;

/// <summary>Once per class: restores samples/CommentsApp (the CLI's own restore) so the tests can pass --no-restore.</summary>
public sealed class ScanFixture : IAsyncLifetime
{
    public string Work { get; } = Repo.NewTempDirectory("scan");

    public async Task InitializeAsync()
    {
        var restore = await Repo.DotnetAsync(Repo.Root, "restore", "samples/CommentsApp/CommentsApp.csproj");
        Assert.True(restore.ExitCode == 0, restore.Output);
    }

    public Task DisposeAsync()
    {
        Repo.TryDelete(Work);
        return Task.CompletedTask;
    }
}
