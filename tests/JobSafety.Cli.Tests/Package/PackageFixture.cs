using JobSafety.Cli.Tests.Infrastructure;

namespace JobSafety.Cli.Tests.Package;

/// <summary>
/// Once per test class: packs JobSafety.Analyzers and JobSafety.Runtime into a temp folder feed with a unique
/// prerelease version (so NuGet's global packages folder never serves an older copy), and writes and restores
/// a consumer project that takes JobSafety.* from that feed (packageSourceMapping) and the rest from nuget.org.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string Version { get; } = "0.1.0-e2e." + Guid.NewGuid().ToString("N")[..10];

    public string Feed { get; } = Repo.NewTempDirectory("feed");

    public string Consumer { get; private set; } = "";

    public ProcessResult AnalyzersPack { get; private set; } = null!;

    public ProcessResult RuntimePack { get; private set; } = null!;

    public string AnalyzersPackage => Path.Combine(Feed, $"JobSafety.Analyzers.{Version}.nupkg");

    public string RuntimePackage => Path.Combine(Feed, $"JobSafety.Runtime.{Version}.nupkg");

    private readonly List<string> directories = [];

    public const string OrdersSource = """
        using Hangfire;
        using Npgsql;

        namespace Consumer;

        public static class Orders
        {
            public static void Place(NpgsqlConnection conn, long id)
            {
                using var tx = conn.BeginTransaction();
                BackgroundJob.Enqueue(() => Notify(id));
                tx.Commit();
            }

            public static void Notify(long id) => Console.WriteLine(id);
        }
        """;

    public async Task InitializeAsync()
    {
        directories.Add(Feed);
        // PackageVersion only: the assemblies are not rebuilt for the test (no global property that changes a compile).
        AnalyzersPack = await Repo.DotnetAsync(Repo.Root, "pack", "src/Package/JobSafety.Analyzers.Package.csproj",
            "-c", Repo.Configuration, "-o", Feed, $"-p:PackageVersion={Version}", "-nologo");
        RuntimePack = await Repo.DotnetAsync(Repo.Root, "pack", "src/Runtime/JobSafety.Runtime.csproj",
            "-c", Repo.Configuration, "-o", Feed, $"-p:PackageVersion={Version}", "-nologo");

        Consumer = await CreateConsumerAsync();
        var restore = await Repo.DotnetAsync(Consumer, "restore", "Consumer.csproj");
        Assert.True(restore.ExitCode == 0, restore.Output);
    }

    /// <summary>A new consumer project (nuget.config, csproj, Orders.cs with one JS0001), not restored.</summary>
    public async Task<string> CreateConsumerAsync()
    {
        var directory = Repo.NewTempDirectory("consumer");
        directories.Add(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                <add key="jobsafety-local" value="{Feed}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                <packageSource key="jobsafety-local"><package pattern="JobSafety.*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="JobSafety.Analyzers" Version="{Version}" PrivateAssets="all" />
                <PackageReference Include="Npgsql" Version="10.0.3" />
                <PackageReference Include="Hangfire.Core" Version="1.8.25" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Orders.cs"), OrdersSource);
        return directory;
    }

    public Task DisposeAsync()
    {
        foreach (var directory in directories)
        {
            Repo.TryDelete(directory);
        }

        // The unique version was extracted into the global packages folder: remove it again.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Repo.TryDelete(Path.Combine(packages, "jobsafety.analyzers", Version));
        return Task.CompletedTask;
    }
}
