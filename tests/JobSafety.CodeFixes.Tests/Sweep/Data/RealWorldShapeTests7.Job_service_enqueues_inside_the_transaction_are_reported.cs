using System;
using System.Linq.Expressions;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.EntityFrameworkCore;

public interface IJobService
{
    string Enqueue(Expression<Func<Task>> methodCall);
    string Enqueue<T>(Expression<Func<T, Task>> methodCall);
}

public sealed class HangfireJobService : IJobService
{
    private readonly IBackgroundJobClient _client;
    public HangfireJobService(IBackgroundJobClient client) { _client = client; }
    public string Enqueue(Expression<Func<Task>> methodCall) => BackgroundJob.Enqueue(methodCall);
    public string Enqueue<T>(Expression<Func<T, Task>> methodCall) => _client.Enqueue(methodCall);
}

public interface ITenantMailer { Task Welcome(string tenant); }

public class TenantDb : DbContext { }

public class CreateTenant
{
    private readonly TenantDb _db;
    private readonly IJobService _jobs;
    private readonly ITenantMailer _mailer;
    public CreateTenant(TenantDb db, IJobService jobs, ITenantMailer mailer) { _db = db; _jobs = jobs; _mailer = mailer; }

    public async Task Handle(string tenant)
    {
        await using var tx = await _db.Database.BeginTransactionAsync();
        await _db.SaveChangesAsync();
        _jobs.Enqueue(() => _mailer.Welcome(tenant)); _jobs.Enqueue<ITenantMailer>(m => m.Welcome(tenant));
        await tx.CommitAsync();
        _jobs.Enqueue(() => _mailer.Welcome(tenant));
        _jobs.Enqueue<ITenantMailer>(m => m.Welcome(tenant));
    }
}