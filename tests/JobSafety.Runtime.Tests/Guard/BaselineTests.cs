using JobSafety.Runtime.Tests.Support;

namespace JobSafety.Runtime.Tests.Guard;

[Collection(GlobalConfigurationCollection.Name)]
public sealed class BaselineTests : GlobalConfigurationTest
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jobsafety-baseline-").FullName;

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Me(string method) => typeof(BaselineTests).FullName + "." + method;

    [Fact]
    public async Task Todo_entries_are_reported_not_thrown_and_ignore_entries_are_silent()
    {
        var path = Write($$"""
            {
              // known offenders
              "todo": [ { "method": "{{Me(nameof(TodoCaller))}}", "category": "enqueue" } ],
              "ignore": [ { "method": "{{Me(nameof(IgnoredCaller))}}", "reason": "status ping, idempotent" } ],
            }
            """);
        var seen = new List<SideEffectViolation>();
        JobSafetyConfiguration.Configure(o =>
        {
            o.Mode = GuardMode.Throw;
            o.BaselinePath = path;
            o.OnViolation.Add(seen.Add);
        });
        await using var conn = await Db.Source.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();

        TodoCaller(SideEffectCategory.Enqueue);
        Assert.True(Assert.Single(seen).IsBaselineTodo);
        Assert.Throws<NonAtomicMailException>(() => TodoCaller(SideEffectCategory.Mail)); // other category: not covered

        seen.Clear();
        IgnoredCaller();
        Assert.Empty(seen);
    }

    private static void TodoCaller(SideEffectCategory category) => SideEffects.Check(category, "Hangfire: Legacy");

    private static void IgnoredCaller() => SideEffects.Check(SideEffectCategory.Http, "GET status.example.com");

    [Fact]
    public void Invalid_json_names_the_file_and_the_line()
    {
        var path = Write("{\n  \"todo\": [\n    { \"method\": \"A.B.C\" \n  ]\n}");
        var ex = Assert.Throws<JobSafetyConfigurationException>(() => JobSafetyConfiguration.Configure(o => o.BaselinePath = path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Fix the file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_category_and_missing_reason_name_the_line()
    {
        var path = Write("{\n  \"todo\": [\n    { \"method\": \"A.B.C\", \"category\": \"sms\" }\n  ]\n}");
        var ex = Assert.Throws<JobSafetyConfigurationException>(() => JobSafetyConfiguration.Configure(o => o.BaselinePath = path));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown category \"sms\"", ex.Message, StringComparison.Ordinal);

        path = Write("{\n  \"ignore\": [\n    { \"method\": \"A.B.C\" }\n  ]\n}");
        ex = Assert.Throws<JobSafetyConfigurationException>(() => JobSafetyConfiguration.Configure(o => o.BaselinePath = path));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no \"reason\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_configuration_error()
    {
        var path = Path.Combine(_dir, "missing.json");
        var ex = Assert.Throws<JobSafetyConfigurationException>(() => JobSafetyConfiguration.Configure(o => o.BaselinePath = path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}
