using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Diagnostics;

public sealed class AgentTelemetryTests
{
    [Fact]
    public async Task DeployFlowAsync_CountsDeployedAndFailedRunsAndTheirDuration()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var deployed = new MetricCollector<long>(meterFactory, AgentTelemetry.Name, AgentInstruments.FlowRunsDeployed);
        using var failed = new MetricCollector<long>(meterFactory, AgentTelemetry.Name, AgentInstruments.FlowRunsFailed);
        using var duration = new MetricCollector<double>(meterFactory, AgentTelemetry.Name, AgentInstruments.DeploymentDuration);
        var harness = new AgentHarness();
        harness.Launcher.OnRunTask = (r, _) => r.FlowRunId == "bad"
            ? Task.FromException<TaskLaunchResult>(new InvalidOperationException("no capacity"))
            : Task.FromResult(new TaskLaunchResult { TaskArn = "arn:ok" });
        await using var agent = harness.Create(o => o.MeterFactory = meterFactory);

        await agent.DeployFlowAsync(FlowRuns.Create("good"));
        await agent.DeployFlowAsync(FlowRuns.Create("bad"));

        Assert.Equal(1, Assert.Single(deployed.GetMeasurementSnapshot()).Value);
        Assert.Equal(1, Assert.Single(failed.GetMeasurementSnapshot()).Value);
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        Assert.Equal("test-agent", Assert.Single(deployed.GetMeasurementSnapshot()).Tags[AgentInstruments.AgentNameTag]);
    }
}
