using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Transactions;
using JobSafety.Runtime.Tests.Support;
using JobSafety.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobSafety.Runtime.Tests.Guard;

[Collection(GlobalConfigurationCollection.Name)]
public class GuardTests : GlobalConfigurationTest
{
    [Fact]
    public void Automatic_mode_is_Throw_under_a_test_host()
    {
        Assert.Equal(GuardMode.Throw, JobSafetyConfiguration.EffectiveMode);
    }

    [Fact]
    public void No_transaction_means_no_violation()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: Anything");
        SideEffects.Check(new SideEffect(SideEffectCategory.Mail, "SMTP to 1 recipient"));
        Assert.False(SideEffects.WouldBeFlagged(SideEffectCategory.Mail));
    }

    [Theory]
    [InlineData(SideEffectCategory.Enqueue, typeof(NonAtomicEnqueueException))]
    [InlineData(SideEffectCategory.Mail, typeof(NonAtomicMailException))]
    [InlineData(SideEffectCategory.Http, typeof(NonAtomicHttpCallException))]
    [InlineData(SideEffectCategory.Other, typeof(NonAtomicOtherSideEffectException))]
    public async Task Throw_mode_throws_one_exception_type_per_category_with_a_useful_message(SideEffectCategory category, Type expected)
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ex = Assert.Throws(expected, () => SideEffects.Check(category, "Hangfire: SendWelcomeEmail"));
        var violation = ((NonAtomicSideEffectException)ex).Violation!;
        Assert.Contains("Hangfire: SendWelcomeEmail", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AdoNet transaction (provider Npgsql", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rolls back", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TransactionEvents.AfterCommit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(GuardTests).FullName + "." + nameof(Throw_mode_throws_one_exception_type_per_category_with_a_useful_message), violation.CallingMethod);
        Assert.Contains("begun at " + violation.CallingMethod, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_mode_logs_counts_adds_an_activity_event_and_calls_callbacks_even_when_one_throws()
    {
        var logger = new ListLogger();
        var seen = new List<SideEffectViolation>();
        JobSafetyConfiguration.Configure(o =>
        {
            o.Mode = GuardMode.Report;
            o.Logger = logger;
            o.OnViolation.Add(_ => throw new InvalidOperationException("bad callback"));
            o.OnViolation.Add(seen.Add);
        });
        long counted = 0;
        string? tag = null;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "JobSafety" && instrument.Name == "jobsafety.violations") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            Interlocked.Add(ref counted, value);
            foreach (var t in tags) if (t.Key == "category") tag = (string?)t.Value;
        });
        meters.Start();
        using var activities = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(activities);
        using var source = new ActivitySource("JobSafety.Tests");
        using var activity = source.StartActivity("request");

        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        SideEffects.Check(SideEffectCategory.Http, "POST api.example.com/hooks"); // does not throw

        Assert.Single(seen);
        Assert.Equal(SideEffectCategory.Http, seen[0].Category);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("POST api.example.com/hooks", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("OnViolation", StringComparison.Ordinal));
        Assert.Equal(1, counted);
        Assert.Equal("http", tag);
        Assert.Contains(activity!.Events, e => e.Name == "jobsafety.violation");
    }

    [Fact]
    public async Task Off_mode_does_nothing()
    {
        var seen = 0;
        JobSafetyConfiguration.Configure(o =>
        {
            o.Mode = GuardMode.Off;
            o.OnViolation.Add(_ => seen++);
        });
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: X");
        Assert.Equal(0, seen);
    }

    [Fact]
    public async Task Allow_scopes_nest_end_and_cover_only_their_category()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        using (SideEffects.Allow(SideEffectCategory.Http, "idempotent ping"))
        {
            SideEffects.Check(SideEffectCategory.Http, "GET status.example.com");
            using (SideEffects.Allow(SideEffectCategory.Mail, "ops alert"))
            {
                SideEffects.Check(SideEffectCategory.Mail, "SMTP to 1 recipient");
                SideEffects.Check(SideEffectCategory.Http, "GET status.example.com");
            }
            Assert.Throws<NonAtomicMailException>(() => SideEffects.Check(SideEffectCategory.Mail, "SMTP to 1 recipient"));
            Assert.Throws<NonAtomicEnqueueException>(() => SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: X"));
        }
        Assert.Throws<NonAtomicHttpCallException>(() => SideEffects.Check(SideEffectCategory.Http, "GET status.example.com"));
    }

    [Fact]
    public async Task Allow_scopes_do_not_leak_to_parallel_flows()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        using var gate = new Barrier(2);
        var allowed = Task.Run(async () =>
        {
            await using var conn = await Db.Source.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            using (SideEffects.Allow(SideEffectCategory.Http, "test"))
            {
                gate.SignalAndWait();
                SideEffects.Check(SideEffectCategory.Http, "GET a.example.com");
                gate.SignalAndWait();
            }
        });
        var other = Task.Run(async () =>
        {
            await using var conn = await Db.Source.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            gate.SignalAndWait();
            var thrown = Record.Exception(() => SideEffects.Check(SideEffectCategory.Http, "GET b.example.com"));
            gate.SignalAndWait();
            return thrown;
        });
        await allowed;
        Assert.IsType<NonAtomicHttpCallException>(await other);
    }

    [Fact]
    public void Ambient_scope_is_flagged_unless_the_effect_enlists_in_it()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        var ex = Assert.Throws<NonAtomicEnqueueException>(() => SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: X"));
        Assert.Contains("Ambient transaction", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TransactionScopeAsyncFlowOption.Enabled", ex.Message, StringComparison.Ordinal);
        SideEffects.Check(new SideEffect(SideEffectCategory.Enqueue, "Hangfire: X") { EnlistsInAmbientTransaction = true });
    }

    [Fact]
    public async Task Effect_enlisting_in_the_ambient_scope_is_still_flagged_inside_a_raw_AdoNet_transaction()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Assert.Throws<NonAtomicEnqueueException>(() => SideEffects.Check(new SideEffect(SideEffectCategory.Enqueue, "Hangfire: X") { EnlistsInAmbientTransaction = true }));
    }

    [Fact]
    public async Task Messages_never_contain_secrets()
    {
        JobSafetyConfiguration.Configure(o => o.Mode = GuardMode.Throw);
        var cs = new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres()) { Password = "secret123", Enlist = false }.ConnectionString;
        await using var source = NpgsqlDataSource.Create(cs).WithJobSafety();
        await using var conn = await source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var targets = new[]
        {
            "POST https://bob:secret123@api.example.com/hooks?token=secret123&x=1",
            cs,
            "Redis push password=secret123 to queue",
            "SMTP to alice@example.com pwd: secret123",
        };
        foreach (var target in targets)
        {
            var ex = Assert.Throws<NonAtomicOtherSideEffectException>(() => SideEffects.Check(SideEffectCategory.Other, target));
            Assert.DoesNotContain("secret123", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("token=", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("alice@", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
        }
        var whole = Assert.Throws<NonAtomicOtherSideEffectException>(() => SideEffects.Check(SideEffectCategory.Other, cs));
        Assert.Contains("(connection string redacted)", whole.Message, StringComparison.Ordinal);
        var first = Assert.Throws<NonAtomicOtherSideEffectException>(() => SideEffects.Check(SideEffectCategory.Other, targets[0]));
        Assert.Contains("POST https://api.example.com/hooks", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calling_method_of_an_async_state_machine_is_mapped_back()
    {
        SideEffectViolation? seen = null;
        JobSafetyConfiguration.Configure(o =>
        {
            o.Mode = GuardMode.Report;
            o.OnViolation.Add(v => seen = v);
        });
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new OrderService().PlaceOrderAsync();
        Assert.Equal(typeof(GuardTests).FullName + ".OrderService.PlaceOrderAsync", seen?.CallingMethod);
    }

    [Fact]
    public void NoTransactionBehavior_configured_globally_applies_per_call_overrides_win()
    {
        var logger = new ListLogger();
        JobSafetyConfiguration.Configure(o =>
        {
            o.NoTransactionBehavior = NoTransactionBehavior.Throw;
            o.Logger = logger;
        });
        Assert.Throws<InvalidOperationException>(() => TransactionEvents.AfterCommit(() => { }));
        var runs = 0;
        TransactionEvents.AfterCommit(() => runs++, whenNoTransaction: NoTransactionBehavior.WarnAndRun);
        Assert.Equal(1, runs);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("no transaction open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callback_error_handler_receives_AfterCommit_failures_instead_of_the_caller()
    {
        AggregateException? handled = null;
        JobSafetyConfiguration.Configure(o => o.CallbackErrorHandler = e => handled = e);
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        TransactionEvents.AfterCommit(() => throw new InvalidOperationException("boom"));
        await tx.CommitAsync();
        Assert.Equal("boom", Assert.Single(handled!.InnerExceptions).Message);
    }

    [Fact]
    public void AddJobSafety_configures_and_returns_a_builder()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddJobSafety(o => o.Mode = GuardMode.Report);
        Assert.Same(services, builder.Services);
        Assert.Equal(GuardMode.Report, JobSafetyConfiguration.EffectiveMode);
        using var provider = services.BuildServiceProvider();
        provider.UseJobSafetyLogging();
        Assert.NotNull(JobSafetyConfiguration.Current.Options.LoggerFactory);
    }

    private sealed class OrderService
    {
        public async Task PlaceOrderAsync()
        {
            await Task.Yield();
            SideEffects.Check(SideEffectCategory.Enqueue, "Hangfire: ShipOrder");
        }
    }
}
