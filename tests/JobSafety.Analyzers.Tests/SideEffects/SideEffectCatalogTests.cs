using Microsoft.CodeAnalysis.Testing;
using Verify = JobSafety.Analyzers.Tests.Infrastructure.AnalyzerVerifier<JobSafety.Analyzers.Rules.SideEffectInTransactionAnalyzer>;

namespace JobSafety.Analyzers.Tests.SideEffects;

/// <summary>
/// One case per catalog entry (SideEffectCatalogData): the call inside a transaction is reported with its
/// rule, the same call after the commit is not. Then the look-alikes that must never be reported.
/// </summary>
public class SideEffectCatalogTests
{
    private const string Prelude = """
        using System;
        using System.Threading.Tasks;
        using Npgsql;
        using Hangfire;

        """;

    private const string Declarations = """

        public static class Jobs { public static void Run(int id) { } }
        public record OrderPlaced(int Id);
        public class ReportJob { public void Execute(string? name) { } }
        """;

    private const string Parameters = """
        Hangfire.IBackgroundJobClient client, MassTransit.IPublishEndpoint publishEndpoint, MassTransit.ISendEndpoint sendEndpoint,
                MassTransit.IBus bus, DotNetCore.CAP.ICapPublisher cap, Quartz.IScheduler scheduler, Quartz.IJobDetail job, Quartz.ITrigger trigger,
                RabbitMQ.Client.IChannel channel, Confluent.Kafka.IProducer<string, string> producer, Amazon.SQS.IAmazonSQS sqs,
                StackExchange.Redis.IDatabase redis, StackExchange.Redis.ISubscriber subscriber, System.Net.Mail.SmtpClient smtp,
                MailKit.Net.Smtp.SmtpClient mailKit, SendGrid.ISendGridClient sendGrid, SendGrid.SendGridClient sendGridClient, System.Net.Http.HttpClient http,
                RestSharp.RestClient rest, Microsoft.Extensions.Caching.Distributed.IDistributedCache cache,
                Microsoft.Extensions.Caching.Memory.IMemoryCache memoryCache, Microsoft.Extensions.Logging.ILogger logger
        """;

    /// <summary>The statement (with markup #0 on the call) inside a transaction, and again after Commit.</summary>
    internal static string InsideAndAfterCommit(string statement, string parameters = Parameters, string declarations = "") => Prelude + declarations + $$"""
        public class S
        {
            public async Task M(NpgsqlConnection conn, {{parameters}})
            {
                using (var tx = conn.BeginTransaction())
                {
                    {{statement}}
                    tx.Commit();
                }

                {{Strip(statement)}}
                await Task.Yield();
            }
        }
        """ + Declarations;

    internal static string Strip(string statement) => System.Text.RegularExpressions.Regex.Replace(statement, @"\{\|#\d+:|\|\}", string.Empty);

    [Theory]
    // Hangfire: static API, IBackgroundJobClient, its extension methods, the concrete client.
    [InlineData("JS0001", "{|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};")]
    [InlineData("JS0001", "{|#0:BackgroundJob.Enqueue<ReportJob>(j => j.Execute(null))|};")]
    [InlineData("JS0001", "{|#0:BackgroundJob.Schedule(() => Jobs.Run(1), TimeSpan.FromMinutes(5))|};")]
    [InlineData("JS0001", "{|#0:BackgroundJob.ContinueJobWith(\"42\", () => Jobs.Run(1))|};")]
    [InlineData("JS0001", "{|#0:client.Enqueue(() => Jobs.Run(1))|};")]
    [InlineData("JS0001", "{|#0:client.Schedule(() => Jobs.Run(1), TimeSpan.FromMinutes(5))|};")]
    [InlineData("JS0001", "{|#0:client.Create(Hangfire.Common.Job.FromExpression(() => Jobs.Run(1)), new Hangfire.States.EnqueuedState())|};")]
    [InlineData("JS0001", "{|#0:new BackgroundJobClient().Enqueue(() => Jobs.Run(1))|};")]
    [InlineData("JS0001", "{|#0:RecurringJob.TriggerJob(\"nightly\")|};")]
    // MassTransit
    [InlineData("JS0001", "await {|#0:publishEndpoint.Publish(new OrderPlaced(1))|};")]
    [InlineData("JS0001", "await {|#0:sendEndpoint.Send(new OrderPlaced(1))|};")]
    [InlineData("JS0001", "await {|#0:bus.Publish(new OrderPlaced(1))|};")]
    [InlineData("JS0001", "await {|#0:(await bus.GetSendEndpoint(new Uri(\"queue:orders\"))).Send(new OrderPlaced(1))|};")]
    // CAP (outside a CAP transaction)
    [InlineData("JS0001", "await {|#0:cap.PublishAsync(\"order.placed\", new OrderPlaced(1))|};")]
    [InlineData("JS0001", "{|#0:cap.Publish(\"order.placed\", new OrderPlaced(1))|};")]
    // Quartz
    [InlineData("JS0001", "await {|#0:scheduler.ScheduleJob(job, trigger)|};")]
    [InlineData("JS0001", "await {|#0:scheduler.TriggerJob(new Quartz.JobKey(\"report\"))|};")]
    // RabbitMQ.Client 7
    [InlineData("JS0001", "await {|#0:channel.BasicPublishAsync(\"orders\", \"placed\", true, new RabbitMQ.Client.BasicProperties(), new ReadOnlyMemory<byte>(new byte[] { 1 }))|};")]
    // Confluent.Kafka
    [InlineData("JS0001", "await {|#0:producer.ProduceAsync(\"orders\", new Confluent.Kafka.Message<string, string> { Key = \"1\", Value = \"placed\" })|};")]
    [InlineData("JS0001", "{|#0:producer.Produce(\"orders\", new Confluent.Kafka.Message<string, string> { Key = \"1\", Value = \"placed\" })|};")]
    // AWS SQS
    [InlineData("JS0001", "await {|#0:sqs.SendMessageAsync(\"https://sqs/orders\", \"placed\")|};")]
    // StackExchange.Redis queues and channels
    [InlineData("JS0001", "{|#0:redis.ListLeftPush(\"queue\", \"job\")|};")]
    [InlineData("JS0001", "await {|#0:redis.ListRightPushAsync(\"queue\", \"job\")|};")]
    [InlineData("JS0001", "await {|#0:redis.StreamAddAsync(\"stream\", \"field\", \"value\")|};")]
    [InlineData("JS0001", "{|#0:redis.Publish(StackExchange.Redis.RedisChannel.Literal(\"orders\"), \"placed\")|};")]
    [InlineData("JS0001", "await {|#0:subscriber.PublishAsync(StackExchange.Redis.RedisChannel.Literal(\"orders\"), \"placed\")|};")]
    // Redis writes that are not queues
    [InlineData("JS0004", "{|#0:redis.StringSet(\"key\", \"value\")|};")]
    [InlineData("JS0004", "await {|#0:redis.HashSetAsync(\"hash\", \"field\", \"value\")|};")]
    [InlineData("JS0004", "{|#0:redis.KeyDelete(\"key\")|};")]
    [InlineData("JS0004", "{|#0:redis.KeyExpire(\"key\", TimeSpan.FromMinutes(1))|};")]
    // Mail
    [InlineData("JS0002", "{|#0:smtp.Send(\"from@example.com\", \"to@example.com\", \"subject\", \"body\")|};")]
    [InlineData("JS0002", "await {|#0:smtp.SendMailAsync(new System.Net.Mail.MailMessage())|};")]
    [InlineData("JS0002", "{|#0:mailKit.Send(new MimeKit.MimeMessage())|};")]
    [InlineData("JS0002", "await {|#0:mailKit.SendAsync(new MimeKit.MimeMessage())|};")]
    [InlineData("JS0002", "await {|#0:sendGrid.SendEmailAsync(new SendGrid.Helpers.Mail.SendGridMessage())|};")]
    [InlineData("JS0002", "await {|#0:sendGridClient.SendEmailAsync(new SendGrid.Helpers.Mail.SendGridMessage())|};")]
    // HTTP
    [InlineData("JS0003", "await {|#0:http.GetAsync(\"https://example.com\")|};")]
    [InlineData("JS0003", "await {|#0:http.PostAsync(\"https://example.com\", new System.Net.Http.StringContent(\"x\"))|};")]
    [InlineData("JS0003", "await {|#0:http.SendAsync(new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Delete, \"https://example.com\"))|};")]
    [InlineData("JS0003", "await {|#0:http.GetStringAsync(\"https://example.com\")|};")]
    [InlineData("JS0003", "await {|#0:System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<int>(http, \"https://example.com\")|};")]
    [InlineData("JS0003", "await {|#0:System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(http, \"https://example.com\", new OrderPlaced(1))|};")]
    [InlineData("JS0003", "await {|#0:rest.ExecuteAsync(new RestSharp.RestRequest(\"orders\"))|};")]
    [InlineData("JS0003", "await {|#0:RestSharp.RestClientExtensions.PostAsync(rest, new RestSharp.RestRequest(\"orders\"))|};")]
    // Distributed cache
    [InlineData("JS0004", "await {|#0:Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions.SetStringAsync(cache, \"key\", \"value\")|};")]
    [InlineData("JS0004", "await {|#0:cache.RemoveAsync(\"key\")|};")]
    [InlineData("JS0004", "{|#0:cache.Set(\"key\", new byte[] { 1 }, new Microsoft.Extensions.Caching.Distributed.DistributedCacheEntryOptions())|};")]
    public Task Catalog_entry_is_reported_inside_the_transaction_and_not_after_commit(string id, string statement) =>
        Verify.VerifyAsync(InsideAndAfterCommit(statement), Verify.Diagnostic(id, 0));

    [Theory]
    [InlineData("JS0003", "await {|#0:http.GetFromJsonAsync<int>(\"https://example.com\")|};")]
    [InlineData("JS0003", "await {|#0:http.PostAsJsonAsync(\"https://example.com\", 1)|};")]
    [InlineData("JS0003", "await {|#0:rest.GetAsync(new RestSharp.RestRequest(\"orders\"))|};")]
    [InlineData("JS0004", "await {|#0:cache.SetStringAsync(\"key\", \"value\")|};")]
    public Task Extension_method_call_syntax_is_reported(string id, string statement) =>
        Verify.VerifyAsync("using System.Net.Http.Json;\nusing RestSharp;\nusing Microsoft.Extensions.Caching.Distributed;\n" + InsideAndAfterCommit(statement), Verify.Diagnostic(id, 0));

    [Theory]
    [InlineData("redis.StringGet(\"key\");")]
    [InlineData("await redis.HashGetAllAsync(\"hash\");")]
    [InlineData("redis.CreateTransaction();")]
    [InlineData("await scheduler.GetJobDetail(new Quartz.JobKey(\"report\"));")]
    [InlineData("producer.Flush(TimeSpan.FromSeconds(1));")]
    [InlineData("await sqs.ReceiveMessageAsync(\"https://sqs/orders\");")]
    [InlineData("await mailKit.ConnectAsync(\"smtp.example.com\", 587);")]
    [InlineData("await new System.Net.Http.StringContent(\"x\").ReadAsStringAsync();")]
    [InlineData("await bus.GetSendEndpoint(new Uri(\"queue:orders\"));")]
    [InlineData("await Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions.GetStringAsync(cache, \"key\");")]
    // look-alikes that are no side effects at all
    [InlineData("new System.Collections.Generic.Queue<int>().Enqueue(1);")]
    [InlineData("new System.Collections.Concurrent.ConcurrentQueue<int>().Enqueue(1);")]
    [InlineData("await System.Threading.Channels.Channel.CreateUnbounded<int>().Writer.WriteAsync(1);")]
    [InlineData("System.Threading.Channels.Channel.CreateUnbounded<int>().Writer.TryWrite(1);")]
    [InlineData("Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, \"Placed {Id}\", 1);")]
    [InlineData("Microsoft.Extensions.Caching.Memory.CacheExtensions.Set(memoryCache, \"key\", 1);")]
    [InlineData("memoryCache.Remove(\"key\");")]
    public Task Not_a_side_effect_even_inside_a_transaction(string statement) =>
        Verify.VerifyAsync(InsideAndAfterCommit(statement));

    [Fact]
    public Task User_types_merely_named_like_library_APIs_are_not_side_effects() => Verify.VerifyAsync(InsideAndAfterCommit(
        "Acme.BackgroundJob.Enqueue(() => Jobs.Run(1)); publisher.Publish(new OrderPlaced(1)); Acme.Mailer.Send(\"x\"); local.Enqueue(1);",
        "Acme.IPublisher publisher, Acme.JobQueue local",
        """
        namespace Acme
        {
            public static class BackgroundJob { public static string Enqueue(System.Linq.Expressions.Expression<Action> job) => "1"; }
            public interface IPublisher { void Publish(object message); }
            public sealed class InProcessPublisher : IPublisher { public void Publish(object message) => Console.WriteLine(message); }
            public static class Mailer { public static void Send(string text) { } }
            public sealed class JobQueue { private readonly System.Collections.Generic.Queue<int> _q = new(); public void Enqueue(int id) => _q.Enqueue(id); }
        }

        """));

    [Fact]
    public Task Source_implementation_of_a_catalog_interface_is_judged_by_its_body() => Verify.VerifyAsync(InsideAndAfterCommit(
        "fake.Enqueue(() => Jobs.Run(1));",
        "FakeClient fake",
        """
        public sealed class FakeClient
        {
            public System.Collections.Generic.List<string> Jobs { get; } = new();
            public void Enqueue(System.Linq.Expressions.Expression<Action> job) => Jobs.Add(job.ToString());
        }

        """));

    // ---- CAP's transactional publish ----

    private const string CapProvider = """
        // Stand-in for DotNetCore.CAP.PostgreSql's extensions (same namespace, type and signatures).
        namespace DotNetCore.CAP
        {
            public static class CapTransactionExtensions
            {
                public static ICapTransaction BeginTransaction(this System.Data.IDbConnection dbConnection, ICapPublisher publisher, bool autoCommit = false) => throw new System.NotSupportedException();
                public static Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction BeginTransaction(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database, ICapPublisher publisher, bool autoCommit = false) => throw new System.NotSupportedException();
            }
        }
        """;

    [Fact]
    public Task Cap_publish_inside_a_cap_transaction_is_not_reported() => StandInLibrary.VerifyAsync(CapProvider, Prelude + """
        using DotNetCore.CAP;
        public class S
        {
            public async Task M(NpgsqlConnection conn, ICapPublisher cap, Microsoft.EntityFrameworkCore.DbContext db)
            {
                using (var trans = conn.BeginTransaction(cap, autoCommit: false))
                {
                    await cap.PublishAsync("order.placed", new OrderPlaced(1));
                    trans.Commit();
                }

                using (var trans = db.Database.BeginTransaction(cap, autoCommit: false))
                {
                    cap.Publish("order.placed", new OrderPlaced(2));
                    {|#0:BackgroundJob.Enqueue(() => Jobs.Run(1))|};
                    trans.Commit();
                }
            }
        }
        """ + Declarations, null, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Cap_publish_through_another_variable_or_a_callee_inside_a_cap_transaction_is_not_reported() => StandInLibrary.VerifyAsync(CapProvider, Prelude + """
        using DotNetCore.CAP;
        public class OrderEvents
        {
            private readonly ICapPublisher _cap;
            public OrderEvents(ICapPublisher cap) => _cap = cap;
            public Task Placed(int id) => _cap.PublishAsync("order.placed", new OrderPlaced(id));
        }

        public class S
        {
            private readonly ICapPublisher _capBus;
            public S(ICapPublisher capBus) => _capBus = capBus;

            public async Task M(NpgsqlConnection conn, ICapPublisher cap, OrderEvents events)
            {
                using (var trans = conn.BeginTransaction(_capBus, autoCommit: false))
                {
                    await cap.PublishAsync("order.placed", new OrderPlaced(1));
                    await events.Placed(1);
                    trans.Commit();
                }

                using (var plain = conn.BeginTransaction())
                {
                    await {|#0:events.Placed(2)|};
                    plain.Commit();
                }
            }
        }
        """ + Declarations, null, Verify.Diagnostic("JS0001", 0));

    // ---- stand-ins for catalog libraries that do not restore here ----

    private const string NServiceBus = """
        // Stand-in for NServiceBus (not restorable here): the catalog row is NServiceBus.IMessageSession.Send/Publish.
        namespace NServiceBus
        {
            public class SendOptions { }
            public interface IMessageSession
            {
                System.Threading.Tasks.Task Send(object message, SendOptions? options = null);
                System.Threading.Tasks.Task Publish(object message);
            }
        }
        namespace NServiceBus.Transport.SqlServer
        {
            public static class SendOptionsExtensions
            {
                public static void UseCustomSqlTransaction(this NServiceBus.SendOptions options, System.Data.Common.DbTransaction transaction) { }
                public static void UseCustomSqlConnection(this NServiceBus.SendOptions options, System.Data.Common.DbConnection connection) { }
            }
        }
        """;

    [Fact]
    public Task NServiceBus_send_and_publish() => StandInLibrary.VerifyAsync(NServiceBus,
        InsideAndAfterCommit("await {|#0:session.Send(new OrderPlaced(1))|}; await {|#1:session.Publish(new OrderPlaced(1))|};", "NServiceBus.IMessageSession session"),
        null, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task NServiceBus_send_with_UseCustomSqlTransaction_is_transactional() => StandInLibrary.VerifyAsync(NServiceBus, Prelude + """
        using NServiceBus;
        using NServiceBus.Transport.SqlServer;
        public class S
        {
            public async Task M(NpgsqlConnection conn, IMessageSession session)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var options = new SendOptions();
                options.UseCustomSqlTransaction(tx);
                await session.Send(new OrderPlaced(1), options);

                var viaConnection = new SendOptions();
                viaConnection.UseCustomSqlConnection(conn);
                await session.Send(new OrderPlaced(2), viaConnection);

                await {|#0:session.Send(new OrderPlaced(3), new SendOptions())|};
                await tx.CommitAsync();
            }
        }
        """ + Declarations, null, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Wolverine_send_and_publish() => StandInLibrary.VerifyAsync("""
        // Stand-in for Wolverine (not restorable here).
        namespace Wolverine
        {
            public interface IMessageBus
            {
                System.Threading.Tasks.ValueTask SendAsync<T>(T message);
                System.Threading.Tasks.ValueTask PublishAsync<T>(T message);
                System.Threading.Tasks.Task InvokeAsync(object message);
            }
        }
        """,
        InsideAndAfterCommit("await {|#0:bus.SendAsync(new OrderPlaced(1))|}; await {|#1:bus.PublishAsync(new OrderPlaced(1))|}; await bus.InvokeAsync(new OrderPlaced(1));", "Wolverine.IMessageBus bus"),
        null, Verify.Diagnostic("JS0001", 0), Verify.Diagnostic("JS0001", 1));

    [Fact]
    public Task FluentEmail_send() => StandInLibrary.VerifyAsync("""
        // Stand-in for FluentEmail.Core (not restorable here).
        namespace FluentEmail.Core
        {
            public interface IFluentEmail
            {
                IFluentEmail To(string address);
                System.Threading.Tasks.Task<object> SendAsync(System.Threading.CancellationToken? token = null);
            }
        }
        """,
        InsideAndAfterCommit("await {|#0:email.To(\"a@example.com\").SendAsync()|};", "FluentEmail.Core.IFluentEmail email"),
        null, Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task Identity_email_sender() => StandInLibrary.VerifyAsync("""
        // Stand-in for Microsoft.AspNetCore.Identity.UI (not restorable here).
        namespace Microsoft.AspNetCore.Identity.UI.Services
        {
            public interface IEmailSender { System.Threading.Tasks.Task SendEmailAsync(string email, string subject, string htmlMessage); }
        }
        """,
        InsideAndAfterCommit("await {|#0:sender.SendEmailAsync(\"a@example.com\", \"Welcome\", \"<p>Hi</p>\")|};", "Microsoft.AspNetCore.Identity.UI.Services.IEmailSender sender"),
        null, Verify.Diagnostic("JS0002", 0));

    [Fact]
    public Task Amazon_SES_and_SNS() => StandInLibrary.VerifyAsync("""
        // Stand-ins for AWSSDK.SimpleEmail and AWSSDK.SimpleNotificationService (not restorable here).
        namespace Amazon.SimpleEmail
        {
            public class SendEmailRequest { }
            public interface IAmazonSimpleEmailService { System.Threading.Tasks.Task<object> SendEmailAsync(SendEmailRequest request, System.Threading.CancellationToken cancellationToken = default); }
        }
        namespace Amazon.SimpleNotificationService
        {
            public interface IAmazonSimpleNotificationService { System.Threading.Tasks.Task<object> PublishAsync(string topicArn, string message, System.Threading.CancellationToken cancellationToken = default); }
        }
        """,
        InsideAndAfterCommit("await {|#0:ses.SendEmailAsync(new Amazon.SimpleEmail.SendEmailRequest())|}; await {|#1:sns.PublishAsync(\"arn\", \"placed\")|};", "Amazon.SimpleEmail.IAmazonSimpleEmailService ses, Amazon.SimpleNotificationService.IAmazonSimpleNotificationService sns"),
        null, Verify.Diagnostic("JS0002", 0), Verify.Diagnostic("JS0001", 1));

    private const string ServiceBus = """
        // Stand-in for Azure.Messaging.ServiceBus (not restorable here).
        namespace Azure.Messaging.ServiceBus
        {
            public class ServiceBusMessage { public ServiceBusMessage(string body) { } }
            public class ServiceBusSender
            {
                public virtual System.Threading.Tasks.Task SendMessageAsync(ServiceBusMessage message, System.Threading.CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.CompletedTask;
                public virtual System.Threading.Tasks.Task<long> ScheduleMessageAsync(ServiceBusMessage message, System.DateTimeOffset at, System.Threading.CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult(1L);
            }
        }
        """;

    [Fact]
    public Task Azure_service_bus_inside_a_db_transaction_is_reported() => StandInLibrary.VerifyAsync(ServiceBus,
        InsideAndAfterCommit("await {|#0:sender.SendMessageAsync(new Azure.Messaging.ServiceBus.ServiceBusMessage(\"placed\"))|};", "Azure.Messaging.ServiceBus.ServiceBusSender sender"),
        null, Verify.Diagnostic("JS0001", 0));

    [Fact]
    public Task Azure_service_bus_inside_a_TransactionScope_enlists_and_is_not_reported() => StandInLibrary.VerifyAsync(ServiceBus, Prelude + """
        using Azure.Messaging.ServiceBus;
        public class S
        {
            public async Task M(ServiceBusSender sender, OrdersSender orders)
            {
                using var scope = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled);
                await sender.SendMessageAsync(new ServiceBusMessage("placed"));
                await orders.SendMessageAsync(new ServiceBusMessage("placed"));
                await sender.ScheduleMessageAsync(new ServiceBusMessage("later"), DateTimeOffset.UtcNow.AddMinutes(5));
                scope.Complete();
            }
        }
        public class OrdersSender : ServiceBusSender { }
        """ + Declarations, null);
}
