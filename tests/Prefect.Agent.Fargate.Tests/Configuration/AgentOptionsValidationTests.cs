using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Configuration;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Configuration;

public sealed class AgentOptionsValidationTests
{
    private static void MakeInvalid(AgentOptions o)
    {
        o.MaxConcurrentDeployments = 0;
        o.MaxPolls = -1;
        o.PollIntervals = [TimeSpan.FromSeconds(1), TimeSpan.Zero];
        o.AgentAddress = "http://localhost";
        o.UseExternalKwargs = true;
        o.ApiUrl = new Uri("ftp://prefect.example");
        o.LaunchType = "fargate";
        o.BotocoreConfig.MaxAttempts = 0;
        o.ShutdownDrainTimeout = TimeSpan.FromSeconds(-1);
        o.EcsRateLimits.AccountShare = 1.5;
        o.EcsRateLimits.FargateRunTask = new TokenBucketOptions { Burst = 0, RatePerSecond = 20 };
    }

    // Each expected failure: the option, the bad value, and a word of the fix.
    private static readonly string[][] ExpectedFailures =
    [
        ["MaxConcurrentDeployments", "was 0", "Use a positive number"],
        ["MaxPolls", "was -1", "Use null to poll forever"],
        ["PollIntervals[1]", "was 00:00:00", "Use positive durations"],
        ["AgentAddress", "'http://localhost'", "Must specify port in agent address", "http://127.0.0.1:8080"],
        ["ExternalKwargsS3Bucket", "was null", "UseExternalKwargs"],
        ["ApiUrl", "'ftp://prefect.example'", "http://localhost:4200"],
        ["LaunchType", "'fargate'", "FARGATE, EC2 or EXTERNAL"],
        ["BotocoreConfig.MaxAttempts", "was 0", "Use e.g. 3"],
        ["ShutdownDrainTimeout", "was -00:00:01", "zero or more"],
        ["EcsRateLimits.AccountShare", "was 1.5", "0.5 for two agents"],
        ["EcsRateLimits.FargateRunTask.Burst", "was 0", "at least 1"],
    ];

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOnceListingEveryFailure()
    {
        var harness = new AgentHarness();

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(MakeInvalid));

        Assert.Equal(ExpectedFailures.Length, ex.Failures.Count());
        Assert.Contains("MaxConcurrentDeployments must be greater than zero, but was 0. Use a positive number such as 32.", ex.Failures);
        foreach (var expected in ExpectedFailures)
        {
            var failure = Assert.Single(ex.Failures, f => f.Contains(expected[0], StringComparison.Ordinal) && f.Contains(expected[1], StringComparison.Ordinal));
            foreach (var part in expected.Skip(2))
            {
                Assert.Contains(part, failure, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Constructor_ValidOptions_DoesNotThrow()
    {
        var harness = new AgentHarness();

        var agent = harness.Create(o => o.AgentAddress = "http://:8080");

        Assert.Equal("test-agent", agent.ResolvedOptions.Name);
    }

    [Fact]
    public void Constructor_InvalidEnvironmentValue_IsAValidationFailure()
    {
        var harness = new AgentHarness();
        harness.Environment["PREFECT__CLOUD__AGENT__AGENT_ADDRESS"] = "localhost:8080";
        harness.Environment["PREFECT__BACKEND"] = "staging";

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create());

        Assert.Contains(ex.Failures, f => f.Contains("AgentAddress", StringComparison.Ordinal) && f.Contains("'localhost:8080'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("PREFECT__BACKEND", StringComparison.Ordinal) && f.Contains("'staging'", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_KwargsBreakARule_IsAValidationFailure()
    {
        var harness = new AgentHarness
        {
            ParseKwargs = (_, _) => throw new KwargsException("Fargate agent only accepts configuration for a single container definition."),
        };

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create());

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("single container definition", failure, StringComparison.Ordinal);
        Assert.Contains("Kwargs", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_KwargsParser_GetsTheKwargsAndTheSameEnvironment()
    {
        IEnumerable<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>>? seen = null;
        string? cpu = null;
        var harness = new AgentHarness
        {
            ParseKwargs = (kwargs, env) =>
            {
                seen = kwargs.ToList();
                cpu = env!("cpu");
                return new ParsedKwargs(new(), new(), new());
            },
        };
        harness.Environment["cpu"] = "256";

        harness.Create(o => o.Kwargs["memory"] = "512");

        Assert.Equal("memory", Assert.Single(seen!).Key);
        Assert.Equal("256", cpu);
    }

    [Fact]
    public void Constructor_SecretsInvolvedInAFailure_AreNeverEchoed()
    {
        var harness = new AgentHarness();

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(o =>
        {
            o.AwsSecretAccessKey = "wJalrXUtnFEMI-secret";
            o.AwsSessionToken = "session-secret";
            o.ApiKey = "pnu_api-key-secret";
            o.MaxConcurrentDeployments = 0;
        }));

        Assert.Contains(ex.Failures, f => f.StartsWith("AwsAccessKeyId must be set when AwsSecretAccessKey is set", StringComparison.Ordinal));
        Assert.DoesNotContain("wJalrXUtnFEMI-secret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("session-secret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pnu_api-key-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomValidator_EmptyPollIntervals_NamesTheOptionAndTheFix()
    {
        var result = new AgentOptionsCustomValidator().Validate(null, new AgentOptions { PollIntervals = [] });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("PollIntervals must hold at least one interval", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedValidator_AttributesAreChecked()
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions { ApiRequestTimeout = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("ApiRequestTimeout", StringComparison.Ordinal) && f.Contains("00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsWithTheSameFailuresAsTheConstructor()
    {
        var harness = new AgentHarness();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(harness.Composition);
        builder.Services.AddFargateAgent(o =>
        {
            o.Name = "test-agent";
            MakeInvalid(o);
        });
        builder.Services.AddSingleton<IFlowRunSource>(harness.Source);
        builder.Services.AddSingleton<ITaskDefinitionRegistry>(harness.Registry);
        builder.Services.AddSingleton<ITaskLauncher>(harness.Launcher);
        builder.Services.AddSingleton<IExternalKwargsProvider>(harness.External);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(ExpectedFailures.Length, ex.Failures.Count());
        foreach (var expected in ExpectedFailures)
        {
            Assert.Single(ex.Failures, f => f.Contains(expected[0], StringComparison.Ordinal) && f.Contains(expected[1], StringComparison.Ordinal));
        }

        Assert.Null(harness.Source.Registration);
    }

    [Fact]
    public void Validate_TaskWatchAndReconcileDurations_EveryErrorNamesTheOptionAndValue()
    {
        var harness = new AgentHarness();
        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(o =>
        {
            o.TaskWatchInterval = TimeSpan.FromSeconds(-1);
            o.TaskWatchTimeout = TimeSpan.Zero;
            o.ReconcileAfter = TimeSpan.Zero;
            o.ReconcileInterval = TimeSpan.FromSeconds(-5);
        }));

        Assert.Contains("TaskWatchInterval", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TaskWatchTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ReconcileAfter", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ReconcileInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TaskWatchTimeoutShorterThanInterval_Refused_ZeroIntervalsTurnOff()
    {
        var harness = new AgentHarness();
        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(o =>
        {
            o.TaskWatchInterval = TimeSpan.FromSeconds(30);
            o.TaskWatchTimeout = TimeSpan.FromSeconds(10);
        }));
        Assert.Contains("TaskWatchTimeout must not be shorter than TaskWatchInterval", ex.Message, StringComparison.Ordinal);

        await using var off = harness.Create(o =>
        {
            o.TaskWatchInterval = TimeSpan.Zero;
            o.ReconcileInterval = TimeSpan.Zero;
        });
        Assert.Equal(TimeSpan.Zero, off.ResolvedOptions.TaskWatchInterval);
        Assert.Equal(TimeSpan.Zero, off.ResolvedOptions.ReconcileInterval);
    }
}
