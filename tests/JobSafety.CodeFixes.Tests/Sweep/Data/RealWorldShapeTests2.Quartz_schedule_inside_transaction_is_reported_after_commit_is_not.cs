using System.Threading.Tasks;
using Npgsql;
using Quartz;

public class ReportRequests
{
    private readonly IScheduler _scheduler;
    public ReportRequests(IScheduler scheduler) { _scheduler = scheduler; }

    public async Task Request(NpgsqlConnection conn, IJobDetail job, string id)
    {
        var trigger = TriggerBuilder.Create().StartNow().Build();
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await _scheduler.ScheduleJob(job, trigger);
            await tx.CommitAsync();
        }
        await _scheduler.TriggerJob(new JobKey(id));
    }
}