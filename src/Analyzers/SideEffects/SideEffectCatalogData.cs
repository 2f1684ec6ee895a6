namespace JobSafety.Analyzers.SideEffects;

/// <summary>
/// One row of the default catalog: the methods of a library type (and of every type that derives
/// from it or implements it, and the library's extension methods whose <c>this</c> parameter is of
/// that type) that perform a side effect. A method name ending in '*' is a prefix; a name starting with '!' is
/// excluded even when another pattern of the row matches it.
/// </summary>
internal sealed class CatalogEntry
{
    public CatalogEntry(string typeName, SideEffectCategory category, string verb, params string[] methods)
    {
        TypeName = typeName;
        Category = category;
        Verb = verb;
        Methods = methods;
    }

    public string TypeName { get; }

    public SideEffectCategory Category { get; }

    public string Verb { get; }

    public string[] Methods { get; }

    public bool MatchesName(string name)
    {
        foreach (var m in Methods)
        {
            if (m.Length == name.Length + 1 && m[0] == '!' && string.CompareOrdinal(m, 1, name, 0, name.Length) == 0)
            {
                return false;
            }
        }

        foreach (var m in Methods)
        {
            if (m.Length > 0 && m[0] == '!')
            {
                continue;
            }

            if (m == "*")
            {
                return true;
            }

            if (m.EndsWith("*", System.StringComparison.Ordinal))
            {
                if (name.StartsWith(m.Substring(0, m.Length - 1), System.StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (m == name)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The default side-effect catalog (RULES.md, "Side effects"). Adding a library is adding rows here:
/// nothing else in the analyzer changes. Types the compilation does not reference cost nothing.
/// </summary>
internal static class SideEffectCatalogData
{
    private const string EnqueueJob = "enqueues a background job";
    private const string PublishMessage = "publishes a message";
    private const string SendMessage = "sends a message";
    private const string SendMail = "sends an e-mail";
    private const string Http = "makes an HTTP request";

    // Prefixes only where every method of that prefix writes: KeyExpireTime[Async] reads the expiry, so KeyExpire is
    // matched exactly.
    private static readonly string[] RedisWrites =
    {
        "StringSet*", "StringAppend*", "StringIncrement*", "StringDecrement*", "StringGetSet*", "StringGetDelete*",
        "StringGetSetExpiry*", "StringSetRange*", "StringSetBit*", "StringSetAndGet*",
        "HashSet*", "HashDelete*", "HashIncrement*", "HashDecrement*", "HashFieldSetAndSetExpiry*", "HashFieldExpire*", "HashFieldPersist*", "HashFieldGetAndDelete*", "HashFieldGetAndSetExpiry*", "HashFieldGetLeaseAndDelete*", "HashFieldGetLeaseAndSetExpiry*",
        "KeyDelete*", "KeyExpire", "KeyExpireAsync", "KeyPersist*", "KeyRename*", "KeyMove*", "KeyRestore*", "KeyCopy*", "KeyUnlink*",
        "SetAdd*", "SetRemove*", "SetMove*", "SetPop*", "SetCombineAndStore*",
        "SortedSetAdd*", "SortedSetRemove*", "SortedSetIncrement*", "SortedSetDecrement*", "SortedSetPop*", "SortedSetCombineAndStore*", "SortedSetUpdate*", "SortedSetRangeAndStore*",
        "ListSet*", "ListRemove*", "ListTrim*", "ListInsertAfter*", "ListInsertBefore*", "ListLeftPop*", "ListRightPop*", "ListRightPopLeftPush*", "ListMove*",
        "GeoAdd*", "GeoRemove*", "HyperLogLogAdd*", "HyperLogLogMerge*",
        "StreamAcknowledge*", "StreamDelete*", "StreamTrim*", "StreamClaim*", "StreamCreateConsumerGroup*", "StreamDeleteConsumer*",
    };

    private static readonly string[] FlurlSends =
    {
        "SendAsync", "SendJsonAsync", "SendStringAsync", "SendUrlEncodedAsync",
        "GetAsync", "GetJsonAsync", "GetJsonListAsync", "GetStringAsync", "GetStreamAsync", "GetBytesAsync",
        "PostAsync", "PostJsonAsync", "PostStringAsync", "PostUrlEncodedAsync", "PostMultipartAsync",
        "PutAsync", "PutJsonAsync", "PutStringAsync", "PatchAsync", "PatchJsonAsync", "PatchStringAsync",
        "DeleteAsync", "HeadAsync", "OptionsAsync", "DownloadFileAsync",
    };

    /// <summary>
    /// Interfaces that no library implements for real: the project supplies the implementation (ASP.NET Core Identity's
    /// e-mail senders). A call through one is judged by the project's implementations when the compilation has any.
    /// </summary>
    public static readonly string[] ProjectImplemented =
    {
        "Microsoft.AspNetCore.Identity.UI.Services.IEmailSender",
        "Microsoft.AspNetCore.Identity.IEmailSender`1",
    };

    public static readonly CatalogEntry[] Entries =
    {
        // ---- enqueue: background jobs ----
        new("Hangfire.BackgroundJob", SideEffectCategory.Enqueue, EnqueueJob, "Enqueue", "Schedule", "ContinueJobWith", "ContinueWith", "Requeue"),
        new("Hangfire.IBackgroundJobClient", SideEffectCategory.Enqueue, EnqueueJob, "Create", "Enqueue", "Schedule", "ContinueJobWith", "ContinueWith", "Requeue"),
        new("Hangfire.RecurringJob", SideEffectCategory.Enqueue, EnqueueJob, "TriggerJob", "Trigger"),
        new("Hangfire.IRecurringJobManager", SideEffectCategory.Enqueue, EnqueueJob, "Trigger", "TriggerJob"),
        new("Quartz.IScheduler", SideEffectCategory.Enqueue, "schedules a Quartz job", "ScheduleJob", "ScheduleJobs", "TriggerJob", "RescheduleJob"),

        // ---- enqueue: message buses and brokers ----
        new("MassTransit.IPublishEndpoint", SideEffectCategory.Enqueue, PublishMessage, "Publish"),
        new("MassTransit.ISendEndpoint", SideEffectCategory.Enqueue, SendMessage, "Send"),
        new("MassTransit.ISendEndpointProvider", SideEffectCategory.Enqueue, SendMessage, "Send"),
        new("NServiceBus.IMessageSession", SideEffectCategory.Enqueue, SendMessage, "Send", "SendLocal", "Publish"),
        new("Wolverine.IMessageBus", SideEffectCategory.Enqueue, SendMessage, "SendAsync", "PublishAsync", "ScheduleAsync", "BroadcastToTopicAsync", "SendToTopicAsync", "SendToEndpointAsync"),
        new("DotNetCore.CAP.ICapPublisher", SideEffectCategory.Enqueue, PublishMessage, "Publish", "PublishAsync", "PublishDelay", "PublishDelayAsync"),
        new("RabbitMQ.Client.IModel", SideEffectCategory.Enqueue, PublishMessage, "BasicPublish"),
        new("RabbitMQ.Client.IChannel", SideEffectCategory.Enqueue, PublishMessage, "BasicPublishAsync"),
        new("Confluent.Kafka.IProducer`2", SideEffectCategory.Enqueue, "produces a Kafka message", "Produce", "ProduceAsync"),
        new("Azure.Messaging.ServiceBus.ServiceBusSender", SideEffectCategory.Enqueue, SendMessage, "SendMessageAsync", "SendMessagesAsync", "ScheduleMessageAsync", "ScheduleMessagesAsync"),
        new("Amazon.SQS.IAmazonSQS", SideEffectCategory.Enqueue, SendMessage, "SendMessage", "SendMessageAsync", "SendMessageBatch", "SendMessageBatchAsync"),
        new("Azure.Storage.Queues.QueueClient", SideEffectCategory.Enqueue, SendMessage, "SendMessage", "SendMessageAsync"),
        new("Amazon.SimpleNotificationService.IAmazonSimpleNotificationService", SideEffectCategory.Enqueue, PublishMessage, "Publish", "PublishAsync", "PublishBatch", "PublishBatchAsync"),
        new("StackExchange.Redis.IDatabaseAsync", SideEffectCategory.Enqueue, "pushes to a Redis queue", "ListLeftPush", "ListLeftPushAsync", "ListRightPush", "ListRightPushAsync", "StreamAdd", "StreamAddAsync", "Publish", "PublishAsync"),
        new("StackExchange.Redis.ISubscriber", SideEffectCategory.Enqueue, "publishes to a Redis channel", "Publish", "PublishAsync"),

        // ---- mail ----
        new("System.Net.Mail.SmtpClient", SideEffectCategory.Mail, SendMail, "Send", "SendAsync", "SendMailAsync"),
        new("MailKit.IMailTransport", SideEffectCategory.Mail, SendMail, "Send", "SendAsync"),
        new("SendGrid.ISendGridClient", SideEffectCategory.Mail, SendMail, "SendEmailAsync"),
        new("FluentEmail.Core.IFluentEmail", SideEffectCategory.Mail, SendMail, "Send", "SendAsync"),
        new("FluentEmail.Core.Interfaces.ISender", SideEffectCategory.Mail, SendMail, "Send", "SendAsync"),
        new("Microsoft.AspNetCore.Identity.UI.Services.IEmailSender", SideEffectCategory.Mail, SendMail, "SendEmailAsync"),
        new("Microsoft.AspNetCore.Identity.IEmailSender`1", SideEffectCategory.Mail, SendMail, "SendConfirmationLinkAsync", "SendPasswordResetLinkAsync", "SendPasswordResetCodeAsync"),
        new("Amazon.SimpleEmail.IAmazonSimpleEmailService", SideEffectCategory.Mail, SendMail, "SendEmail", "SendEmailAsync", "SendRawEmail", "SendRawEmailAsync", "SendTemplatedEmail", "SendTemplatedEmailAsync", "SendBulkTemplatedEmail", "SendBulkTemplatedEmailAsync"),
        new("Azure.Communication.Email.EmailClient", SideEffectCategory.Mail, SendMail, "Send", "SendAsync"),
        new("Amazon.SimpleEmailV2.IAmazonSimpleEmailServiceV2", SideEffectCategory.Mail, SendMail, "SendEmail", "SendEmailAsync", "SendBulkEmail", "SendBulkEmailAsync"),

        // ---- http ----
        new("System.Net.Http.HttpMessageInvoker", SideEffectCategory.Http, Http, "Send", "SendAsync"),
        new("System.Net.Http.HttpClient", SideEffectCategory.Http, Http, "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "SendAsync", "Send", "GetStringAsync", "GetByteArrayAsync", "GetStreamAsync"),
        new("System.Net.Http.Json.HttpClientJsonExtensions", SideEffectCategory.Http, Http, "*"),
        new("System.Net.WebClient", SideEffectCategory.Http, Http, "Download*", "Upload*", "OpenRead*", "OpenWrite*"),
        new("RestSharp.IRestClient", SideEffectCategory.Http, Http, "ExecuteAsync", "DownloadStreamAsync"),
        new("RestSharp.RestClient", SideEffectCategory.Http, Http, "Execute*", "DownloadStream*"),
        new("RestSharp.RestClientExtensions", SideEffectCategory.Http, Http, "Execute*", "Get*", "Post*", "Put*", "Patch*", "Delete*", "Head*", "Options*", "Download*", "Stream*"),
        // Flurl.Http: the fluent extensions on string/Url/Uri/IFlurlRequest that send (GeneratedExtensions since 2.0, AutoGenExtensions
        // in early 2.x), and the request/client sends. The builders in the same classes (WithHeader, WithOAuthBearerToken,
        // AppendPathSegment, SetQueryParams, AllowAnyHttpStatus, ...) only configure. IFlurlResponse.GetJsonAsync/GetStringAsync (3.x+)
        // read a response already received: not matched.
        new("Flurl.Http.GeneratedExtensions", SideEffectCategory.Http, Http, FlurlSends),
        new("Flurl.Http.AutoGenExtensions", SideEffectCategory.Http, Http, FlurlSends),
        new("Flurl.Http.DownloadExtensions", SideEffectCategory.Http, Http, "DownloadFileAsync"),
        new("Flurl.Http.MultipartExtensions", SideEffectCategory.Http, Http, "PostMultipartAsync"),
        new("Flurl.Http.IFlurlRequest", SideEffectCategory.Http, Http, "SendAsync"),
        new("Flurl.Http.IFlurlClient", SideEffectCategory.Http, Http, "SendAsync"),
        // Stripe.net: every method of a Stripe service (ChargeService, PaymentIntentService, RefundService, ... derive from
        // Stripe.Service in current versions, from Service<TEntity> in older ones) is one request to Stripe's API, including the lazy
        // ListAutoPaging*/SearchAutoPaging* enumerables (reported at the call: they are enumerated where they are made).
        // OAuthTokenService.AuthorizeUrl only builds a URL. Options types and RequestOptions are not services.
        new("Stripe.Service", SideEffectCategory.Http, Http, "!AuthorizeUrl", "*"),
        new("Stripe.Service`1", SideEffectCategory.Http, Http, "!AuthorizeUrl", "*"),
        new("Stripe.IStripeClient", SideEffectCategory.Http, Http, "Request", "RequestAsync", "RequestStreamingAsync"),
        new("Stripe.StripeClient", SideEffectCategory.Http, Http, "RawRequest", "RawRequestAsync"),

        // ---- other: cache and Redis writes ----
        new("StackExchange.Redis.IDatabaseAsync", SideEffectCategory.Other, "writes to Redis", RedisWrites),
        new("Microsoft.Extensions.Caching.Distributed.IDistributedCache", SideEffectCategory.Other, "writes to the distributed cache", "Set", "SetAsync", "Remove", "RemoveAsync"),
        new("Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions", SideEffectCategory.Other, "writes to the distributed cache", "Set", "SetAsync", "SetString", "SetStringAsync"),

        // HybridCache (L1 memory + L2 distributed cache): explicit writes and invalidations. GetOrCreateAsync writes only on a miss,
        // like a read-through IDistributedCache.Get: not reported.
        new("Microsoft.Extensions.Caching.Hybrid.HybridCache", SideEffectCategory.Other, "writes to the hybrid cache", "SetAsync", "RemoveAsync", "RemoveByTagAsync"),
    };
}
