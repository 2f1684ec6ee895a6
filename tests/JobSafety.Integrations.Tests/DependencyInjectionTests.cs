using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobSafety.Integrations.Tests;

public interface IEmailSender
{
    Task SendEmailAsync(string email, string subject, string htmlMessage);

    int Sent { get; }
}

public sealed class RecordingEmailSender : IEmailSender
{
    public int Sent { get; private set; }

    public Task SendEmailAsync(string email, string subject, string htmlMessage)
    {
        if (email.Length == 0) throw new ArgumentException("no address", nameof(email));
        Sent++;
        return Task.CompletedTask;
    }
}

/// <summary>The DI guard on an ASP.NET Core-style IEmailSender.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class DependencyInjectionTests
{
    private readonly Services _services;

    public DependencyInjectionTests(Services services) => _services = services;

    [Fact]
    public async Task Guarded_service_throws_inside_a_transaction_and_forwards_outside()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmailSender, RecordingEmailSender>();
        services.AddJobSafety().Guard<IEmailSender>(SideEffectCategory.Mail);
        await using var provider = services.BuildServiceProvider();
        var sender = provider.GetRequiredService<IEmailSender>();
        Assert.Same(sender, provider.GetRequiredService<IEmailSender>()); // lifetime kept

        await sender.SendEmailAsync("a@example.com", "s", "m");
        Assert.Equal(1, sender.Sent);
        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendEmailAsync("", "s", "m")); // the real exception, unwrapped

        await using var db = NpgsqlDataSource.Create(_services.ConnectionString).WithJobSafety();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ex = await Assert.ThrowsAsync<NonAtomicMailException>(() => sender.SendEmailAsync("a@example.com", "s", "m"));
        Assert.Equal("IEmailSender.SendEmailAsync", ex.Violation!.Target);
        Assert.DoesNotContain("a@example.com", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, sender.Sent); // the real service was not called
        await tx.RollbackAsync();
    }

    [Fact]
    public void Guard_requires_a_registration()
    {
        var services = new ServiceCollection();
        Assert.Throws<InvalidOperationException>(() => services.AddJobSafety().Guard<IEmailSender>(SideEffectCategory.Mail));
    }

    [Fact]
    public void Guard_keeps_factory_and_scoped_registrations()
    {
        var services = new ServiceCollection();
        services.AddScoped<IEmailSender>(_ => new RecordingEmailSender());
        services.AddJobSafety().Guard<IEmailSender>(SideEffectCategory.Mail).Guard<IEmailSender>(SideEffectCategory.Mail);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var a = scope.ServiceProvider.GetRequiredService<IEmailSender>();
        Assert.Same(a, scope.ServiceProvider.GetRequiredService<IEmailSender>());
        using var other = provider.CreateScope();
        Assert.NotSame(a, other.ServiceProvider.GetRequiredService<IEmailSender>());
        Assert.Equal(ServiceLifetime.Scoped, Assert.Single(services, d => d.ServiceType == typeof(IEmailSender)).Lifetime);
    }
}
