using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Diagnostics;

public sealed class AgentLoggingTests
{
    private const string ApiKey = "pnu_SECRETapikey0123456789";
    private const string AgentToken = "SECRET-agent-token-0123";
    private const string AwsSecret = "wJalrXUtnFEMI/K7MDENG/SECRETKEY";
    private const string SessionToken = "FwoGZXIvYXdzSECRETsessiontoken";
    private const string EnvSecret = "SECRET-env-var-value";

    [Fact]
    public async Task FullRun_EveryLevel_NeverLogsASecret()
    {
        using var provider = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var harness = new AgentHarness { LoggerFactory = loggerFactory };
        harness.Source.OnPoll = (n, _) => n switch
        {
            1 => new FlowRunPage { Runs = [FlowRuns.Create("ok-run"), FlowRuns.Create("failing-run")] },
            2 => throw new HttpRequestException("backend down"),
            _ => FlowRunPage.Empty,
        };
        harness.Launcher.OnRunTask = (r, _) => r.FlowRunId == "failing-run"
            ? Task.FromException<TaskLaunchResult>(new TaskLaunchException([new TaskLaunchFailure(null, "RESOURCE:CPU", null)]))
            : Task.FromResult(new TaskLaunchResult { TaskArn = "arn:ok" });
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 3;
            o.CapacityRetries = 0;
            o.ApiKey = ApiKey;
            o.AgentToken = AgentToken;
            o.AwsAccessKeyId = "AKIDEXAMPLE";
            o.AwsSecretAccessKey = AwsSecret;
            o.AwsSessionToken = SessionToken;
            o.EnvVars["DB_PASSWORD"] = EnvSecret;
            o.AgentAddress = "http://127.0.0.1:0";
        });

        var run = agent.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            var due = await harness.Time.NextTimerAsync();
            harness.Time.Advance(due);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        await agent.ValidateConfigurationAsync();

        var records = provider.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Level == LogLevel.Error);
        Assert.Contains(records, r => r.Message == "Starting FargateAgent with labels ['aws', 'staging']");
        Assert.Contains(records, r => r.Message == "Environment variables: DB_PASSWORD" || r.Message.Contains("DB_PASSWORD", StringComparison.Ordinal));
        foreach (var record in records)
        {
            var text = string.Join(
                " | ",
                record.Message,
                record.Exception?.ToString(),
                string.Join(",", record.StructuredState?.Select(p => p.Key + "=" + p.Value) ?? []),
                string.Join(",", record.Scopes.Select(s => s?.ToString())));
            foreach (var secret in new[] { ApiKey, AgentToken, AwsSecret, SessionToken, EnvSecret })
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task DeployFlowAsync_LogsInAScopeWithAgentAndFlowRun()
    {
        using var provider = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var harness = new AgentHarness { LoggerFactory = loggerFactory };
        await using var agent = harness.Create();

        await agent.DeployFlowAsync(FlowRuns.Create("run-42"));

        var deploying = Assert.Single(provider.Collector.GetSnapshot(), r => r.Message == "Deploying flow run run-42 to execution environment...");
        Assert.Equal(LogLevel.Information, deploying.Level);
        var scope = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(Assert.Single(deploying.Scopes));
        Assert.Contains(new KeyValuePair<string, object?>("FlowRunId", "run-42"), scope);
        Assert.Contains(new KeyValuePair<string, object?>("AgentName", "test-agent"), scope);
    }
}
