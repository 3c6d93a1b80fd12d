using Prefect.Agent.Fargate.Configuration;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Configuration;

public sealed class AgentEnvironmentTests
{
    public static TheoryData<string, string, string, string> Fallbacks => new()
    {
        { "PREFECT__CLOUD__AGENT__NAME", "env-agent", nameof(AgentOptions.Name), "env-agent" },
        { "PREFECT__CLOUD__AGENT__LABELS", "['aws', 'staging']", nameof(AgentOptions.Labels), "aws,staging" },
        { "PREFECT__CLOUD__AGENT__ENV_VARS", "{'A': '1', 'B': 'two'}", nameof(AgentOptions.EnvVars), "A=1,B=two" },
        { "PREFECT__CLOUD__AGENT__AGENT_ADDRESS", "http://127.0.0.1:8080", nameof(AgentOptions.AgentAddress), "http://127.0.0.1:8080" },
        { "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS", "FALSE", nameof(AgentOptions.NoCloudLogs), "True" },
        { "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS", "true", nameof(AgentOptions.NoCloudLogs), "False" },
        { "PREFECT__CLOUD__API", "http://prefect.internal:4200", nameof(AgentOptions.ApiUrl), "http://prefect.internal:4200/" },
        { "PREFECT__BACKEND", "server", nameof(AgentOptions.Backend), "Server" },
        { "PREFECT__BACKEND", "CLOUD", nameof(AgentOptions.Backend), "Cloud" },
        { "PREFECT__CLOUD__API_KEY", "key-1", nameof(AgentOptions.ApiKey), "key-1" },
        { "PREFECT__CLOUD__TENANT_ID", "tenant-1", nameof(AgentOptions.TenantId), "tenant-1" },
        { "PREFECT__CLOUD__AGENT__AUTH_TOKEN", "token-1", nameof(AgentOptions.AgentToken), "token-1" },
        { "PREFECT__CLOUD__AUTH_TOKEN", "token-2", nameof(AgentOptions.AgentToken), "token-2" },
        { "PREFECT__LOGGING__LEVEL", "DEBUG", nameof(AgentOptions.FlowLoggingLevel), "DEBUG" },
        { "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", nameof(AgentOptions.AwsAccessKeyId), "AKIDEXAMPLE" },
        { "AWS_SECRET_ACCESS_KEY", "secret", nameof(AgentOptions.AwsSecretAccessKey), "secret" },
        { "AWS_SESSION_TOKEN", "session", nameof(AgentOptions.AwsSessionToken), "session" },
        { "REGION_NAME", "eu-west-1", nameof(AgentOptions.RegionName), "eu-west-1" },
    };

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void Resolve_OptionUnset_TakesTheEnvironmentVariable(string variable, string value, string property, string expected)
    {
        var resolved = Resolve(new AgentOptions(), new() { [variable] = value });

        Assert.Equal(expected, Read(resolved, property));
    }

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void Resolve_OptionSet_IgnoresTheEnvironmentVariable(string variable, string value, string property, string expected)
    {
        _ = expected;
        var options = new AgentOptions
        {
            Name = "mine",
            Labels = ["mine"],
            EnvVars = new Dictionary<string, string> { ["M"] = "mine" },
            AgentAddress = "http://127.0.0.1:1",
            NoCloudLogs = false,
            ApiUrl = new Uri("https://mine.example"),
            Backend = PrefectBackend.Cloud,
            ApiKey = "mine",
            TenantId = "mine",
            AgentToken = "mine",
            FlowLoggingLevel = "mine",
            AwsAccessKeyId = "mine",
            AwsSecretAccessKey = "mine",
            AwsSessionToken = "mine",
            RegionName = "mine",
        };
        var before = Read(AgentEnvironment.Resolve(options, _ => null), property);

        var resolved = Resolve(options, new() { [variable] = value });

        Assert.Equal(before, Read(resolved, property));
    }

    [Fact]
    public void Resolve_NothingSet_UsesTheOriginalDefaults()
    {
        var resolved = Resolve(new AgentOptions(), []);

        Assert.Equal("agent", resolved.Name);
        Assert.Equal(PrefectBackend.Cloud, resolved.Backend);
        Assert.Equal(new Uri("https://api.prefect.io"), resolved.ApiUrl);
        Assert.Equal("INFO", resolved.FlowLoggingLevel);
        Assert.False(resolved.NoCloudLogs);
        Assert.Null(resolved.AgentAddress);
        Assert.Null(resolved.AwsAccessKeyId);
    }

    [Fact]
    public void Resolve_ServerBackend_DefaultsTheApiToLocalhost()
    {
        var resolved = Resolve(new AgentOptions(), new() { ["PREFECT__BACKEND"] = "server" });

        Assert.Equal(new Uri("http://localhost:4200"), resolved.ApiUrl);
    }

    [Fact]
    public void Resolve_AgentTokenBeatsTheCloudToken()
    {
        var resolved = Resolve(new AgentOptions(), new()
        {
            ["PREFECT__CLOUD__AGENT__AUTH_TOKEN"] = "agent-token",
            ["PREFECT__CLOUD__AUTH_TOKEN"] = "cloud-token",
        });

        Assert.Equal("agent-token", resolved.AgentToken);
    }

    [Fact]
    public void Resolve_EmptyValues_AreFalsyLikeTheOriginal()
    {
        var resolved = Resolve(new AgentOptions { Name = string.Empty, AwsAccessKeyId = string.Empty }, new()
        {
            ["AWS_ACCESS_KEY_ID"] = string.Empty,
            ["PREFECT__CLOUD__AGENT__NAME"] = string.Empty,
        });

        Assert.Equal("agent", resolved.Name);
        Assert.Null(resolved.AwsAccessKeyId);
    }

    [Theory]
    [InlineData("PREFECT__BACKEND", "staging", "PREFECT__BACKEND must be server or cloud, but was 'staging'")]
    [InlineData("PREFECT__CLOUD__SEND_FLOW_RUN_LOGS", "maybe", "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS must be true or false")]
    [InlineData("PREFECT__CLOUD__AGENT__LABELS", "aws", "PREFECT__CLOUD__AGENT__LABELS is not a Python list literal, but was 'aws'")]
    [InlineData("PREFECT__CLOUD__AGENT__LABELS", "{'a': 1}", "PREFECT__CLOUD__AGENT__LABELS is not a list")]
    [InlineData("PREFECT__CLOUD__API", "not a url", "PREFECT__CLOUD__API must be an absolute http(s) URL, but was 'not a url'")]
    public void Resolve_UnreadableVariable_ReportsItWithTheFix(string variable, string value, string expected)
    {
        var problems = new List<string>();

        AgentEnvironment.Resolve(new AgentOptions(), key => key == variable ? value : null, problems, FakeLiteral.Parse);

        var problem = Assert.Single(problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains("Set ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnreadableEnvVars_NeverEchoesTheValue()
    {
        var problems = new List<string>();

        AgentEnvironment.Resolve(new AgentOptions(), key => key == "PREFECT__CLOUD__AGENT__ENV_VARS" ? "s3cr3t-value" : null, problems, FakeLiteral.Parse);

        var problem = Assert.Single(problems);
        Assert.Contains("PREFECT__CLOUD__AGENT__ENV_VARS", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", problem, StringComparison.Ordinal);
    }

    private static AgentOptions Resolve(AgentOptions options, Dictionary<string, string> environment)
    {
        var problems = new List<string>();
        var resolved = AgentEnvironment.Resolve(options, key => environment.TryGetValue(key, out var v) ? v : null, problems, FakeLiteral.Parse);
        Assert.Empty(problems);
        return resolved;
    }

    private static string? Read(AgentOptions options, string property) => property switch
    {
        nameof(AgentOptions.Name) => options.Name,
        nameof(AgentOptions.Labels) => string.Join(",", options.Labels),
        nameof(AgentOptions.EnvVars) => string.Join(",", options.EnvVars.Select(p => p.Key + "=" + p.Value)),
        nameof(AgentOptions.AgentAddress) => options.AgentAddress,
        nameof(AgentOptions.NoCloudLogs) => options.NoCloudLogs?.ToString(),
        nameof(AgentOptions.ApiUrl) => options.ApiUrl?.ToString(),
        nameof(AgentOptions.Backend) => options.Backend?.ToString(),
        nameof(AgentOptions.ApiKey) => options.ApiKey,
        nameof(AgentOptions.TenantId) => options.TenantId,
        nameof(AgentOptions.AgentToken) => options.AgentToken,
        nameof(AgentOptions.FlowLoggingLevel) => options.FlowLoggingLevel,
        nameof(AgentOptions.AwsAccessKeyId) => options.AwsAccessKeyId,
        nameof(AgentOptions.AwsSecretAccessKey) => options.AwsSecretAccessKey,
        nameof(AgentOptions.AwsSessionToken) => options.AwsSessionToken,
        nameof(AgentOptions.RegionName) => options.RegionName,
        _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
    };
}
