using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prefect.Agent.Fargate.Hosting;
using Prefect.Agent.Fargate.Polling;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Hosting;

public sealed class FargateAgentHealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_RunningAndPolling_IsHealthyWithData()
    {
        var (check, agent) = Create();
        agent.Status.SetState(AgentState.Running);
        agent.Status.RecordPoll(succeeded: true, DateTimeOffset.UnixEpoch);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1L, result.Data["polls"]);
        Assert.Equal(0, result.Data["in_flight"]);
        Assert.Equal(DateTimeOffset.UnixEpoch, result.Data["last_poll_time"]);
    }

    [Fact]
    public async Task CheckHealthAsync_LastThreePollsFailed_IsUnhealthy()
    {
        var (check, agent) = Create();
        agent.Status.SetState(AgentState.Running);
        agent.Status.RecordPoll(succeeded: true, DateTimeOffset.UnixEpoch);
        agent.Status.RecordPoll(succeeded: false, DateTimeOffset.UnixEpoch);
        agent.Status.RecordPoll(succeeded: false, DateTimeOffset.UnixEpoch);
        var twoFailures = await check.CheckHealthAsync(new HealthCheckContext());
        agent.Status.RecordPoll(succeeded: false, DateTimeOffset.UnixEpoch);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, twoFailures.Status);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("last 3 polls", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_LoopStopped_IsUnhealthy()
    {
        var (check, agent) = Create();
        await agent.StartAsync();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("stopped", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFargateAgentHealthCheck_UnknownAgent_IsUnhealthy()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFargateAgent("known");
        services.AddHealthChecks().AddFargateAgentHealthCheck("unknown");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["fargate-agent-unknown"].Status);
    }

    private static (FargateAgentHealthCheck Check, FargateAgent Agent) Create()
    {
        var harness = new AgentHarness();
        var agent = harness.Create(o => o.MaxPolls = 0);
        var registry = new FargateAgentRegistry();
        registry.Add("a", agent);
        return (new FargateAgentHealthCheck(registry, "a"), agent);
    }
}
