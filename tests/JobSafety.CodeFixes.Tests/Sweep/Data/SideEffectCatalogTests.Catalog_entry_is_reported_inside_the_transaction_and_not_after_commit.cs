using System;
using System.Threading.Tasks;
using Npgsql;
using Hangfire;
public class S
{
    public async Task M(NpgsqlConnection conn, Hangfire.IBackgroundJobClient client, MassTransit.IPublishEndpoint publishEndpoint, MassTransit.ISendEndpoint sendEndpoint,
        MassTransit.IBus bus, DotNetCore.CAP.ICapPublisher cap, Quartz.IScheduler scheduler, Quartz.IJobDetail job, Quartz.ITrigger trigger,
        RabbitMQ.Client.IChannel channel, Confluent.Kafka.IProducer<string, string> producer, Amazon.SQS.IAmazonSQS sqs,
        StackExchange.Redis.IDatabase redis, StackExchange.Redis.ISubscriber subscriber, System.Net.Mail.SmtpClient smtp,
        MailKit.Net.Smtp.SmtpClient mailKit, SendGrid.ISendGridClient sendGrid, SendGrid.SendGridClient sendGridClient, System.Net.Http.HttpClient http,
        RestSharp.RestClient rest, Microsoft.Extensions.Caching.Distributed.IDistributedCache cache,
        Microsoft.Extensions.Caching.Memory.IMemoryCache memoryCache, Microsoft.Extensions.Logging.ILogger logger)
    {
        using (var tx = conn.BeginTransaction())
        {
            await channel.BasicPublishAsync("orders", "placed", true, new RabbitMQ.Client.BasicProperties(), new ReadOnlyMemory<byte>(new byte[] { 1 }));
            tx.Commit();
        }

        await channel.BasicPublishAsync("orders", "placed", true, new RabbitMQ.Client.BasicProperties(), new ReadOnlyMemory<byte>(new byte[] { 1 }));
        await Task.Yield();
    }
}
public static class Jobs { public static void Run(int id) { } }
public record OrderPlaced(int Id);
public class ReportJob { public void Execute(string? name) { } }