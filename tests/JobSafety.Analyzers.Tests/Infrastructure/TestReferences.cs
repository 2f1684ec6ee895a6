using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// The references test sources compile against: the .NET reference pack of the SDK on this machine
/// (no download at test time) and the real library assemblies (Hangfire.Core, Npgsql, EF Core, MailKit,
/// MassTransit, Refit, Flurl.Http, Stripe.net, AWSSDK.S3...) that this test project references, so every symbol is the real one.
/// </summary>
public static class TestReferences
{
    private static readonly string[] LibraryAssemblies =
    {
        "Hangfire.Core", "Newtonsoft.Json", "Npgsql", "StackExchange.Redis",
        "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Relational", "Microsoft.EntityFrameworkCore.Abstractions",
        "MailKit", "MimeKit", "MassTransit.Abstractions", "Quartz", "RabbitMQ.Client", "Confluent.Kafka",
        "DotNetCore.CAP", "SendGrid", "RestSharp", "AWSSDK.SQS", "AWSSDK.Core", "Dapper",
        "Microsoft.Extensions.Caching.Abstractions", "Microsoft.Extensions.Caching.Memory",
        "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Primitives", "Microsoft.Extensions.Options",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Refit", "Microsoft.Extensions.Caching.Hybrid", "Flurl.Http", "Flurl",
        "Stripe.net", "AWSSDK.S3",
    };

    public static ImmutableArray<MetadataReference> All { get; } = JobSafety.Testing.ReferencePack.Load(LibraryAssemblies, "JobSafety.Analyzers.Tests.csproj");
}
