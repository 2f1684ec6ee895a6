using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.CodeFixes.Tests.Infrastructure;

/// <summary>
/// The references test sources compile against (as in the analyzer tests): the .NET reference pack of the
/// SDK on this machine and the real library assemblies this test project references.
/// </summary>
public static class TestReferences
{
    private static readonly string[] LibraryAssemblies =
    {
        "Hangfire.Core", "Newtonsoft.Json", "Npgsql",
        "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Relational", "Microsoft.EntityFrameworkCore.Abstractions",
        "MailKit", "MimeKit",
        "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Primitives", "Microsoft.Extensions.Options",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        // for the sweep's real-world shapes (as in the analyzer tests)
        "StackExchange.Redis", "MassTransit.Abstractions", "Quartz", "RabbitMQ.Client", "Confluent.Kafka",
        "DotNetCore.CAP", "SendGrid", "RestSharp", "AWSSDK.SQS", "AWSSDK.Core", "Dapper",
        "Microsoft.Extensions.Caching.Abstractions", "Microsoft.Extensions.Caching.Memory",
        "Refit", "Microsoft.Extensions.Caching.Hybrid", "Flurl.Http", "Flurl",
    };

    public static ImmutableArray<MetadataReference> All { get; } = JobSafety.Testing.ReferencePack.Load(LibraryAssemblies, "JobSafety.CodeFixes.Tests.csproj");
}
