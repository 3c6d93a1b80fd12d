using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Agent;

public sealed class DeployFlowAsyncTests
{
    [Fact]
    public async Task DeployFlowAsync_AllGoesWell_SubmitsAndWritesTheOriginalLogLine()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Equal(FakeTaskLauncher.Arn("run-1"), result.TaskArn);
        Assert.Equal("prefect-task-abcdef12", result.TaskDefinition);
        var launch = Assert.Single(harness.Launcher.Requests);
        Assert.Equal("run-1", launch.FlowRunId);
        Assert.Equal("prefect-task-abcdef12", launch.Request["taskDefinition"]!.GetValue<string>());
        Assert.Equal(8, Assert.Single(harness.Planner.Plans).Version);
        var log = Assert.Single(harness.Source.Logs);
        Assert.Equal("Submitted for execution: Task ARN: " + FakeTaskLauncher.Arn("run-1"), log.Message);
        Assert.Equal("INFO", log.Level);
        Assert.Equal("test-agent", log.Name);
        Assert.Empty(harness.Source.Failed);
    }

    [Fact]
    public async Task DeployFlowAsync_SubmittedLineStillBeingWritten_CompletesOnlyOnceItIsWritten()
    {
        var harness = new AgentHarness();
        harness.Source.OnWriteLog = (_, ct) => Task.Delay(TimeSpan.FromSeconds(1), harness.Time, ct);
        await using var agent = harness.Create();

        var deployment = agent.DeployFlowAsync(FlowRuns.Create("run-1"));
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));

        // Unlike the poll loop, a direct caller is told the outcome only once the run's log line is in the backend.
        Assert.False(deployment.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await deployment.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Equal("run-1", Assert.Single(harness.Source.Logs).FlowRunId);
    }

    [Fact]
    public async Task DeployFlowAsync_TakenByAnotherAgent_SkipsQuietly()
    {
        var harness = new AgentHarness();
        harness.Source.OnMarkSubmitted = _ => FlowRunClaim.TakenByAnotherAgent();
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.Skipped, result.Status);
        Assert.Empty(harness.Launcher.Requests);
        Assert.Empty(harness.Source.Failed);
        Assert.Empty(harness.Source.Logs);
    }

    [Fact]
    public async Task DeployFlowAsync_MarkSubmittedThrows_IsNotClaimedNorFailed()
    {
        var harness = new AgentHarness();
        harness.Source.OnMarkSubmitted = _ => throw new HttpRequestException("connection reset");
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.NotClaimed, result.Status);
        Assert.Empty(harness.Launcher.Requests);
        Assert.Empty(harness.Source.Failed);
    }

    [Fact]
    public async Task DeployFlowAsync_LaunchFails_MarksFailedWithThePostSubmittedVersion()
    {
        var harness = new AgentHarness();
        var failure = new TaskLaunchException([new TaskLaunchFailure("arn:cluster", "MISSING", null)]);
        harness.Launcher.OnRunTask = (_, _) => Task.FromException<TaskLaunchResult>(failure);
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Equal(failure.Message, result.Error);
        var failed = Assert.Single(harness.Source.Failed);
        Assert.Equal(("run-1", 8, failure.Message), failed);
        var log = Assert.Single(harness.Source.Logs);
        Assert.Equal(("ERROR", failure.Message), (log.Level, log.Message));
    }

    [Fact]
    public async Task DeployFlowAsync_LogWriteFails_StillMarksFailed()
    {
        var harness = new AgentHarness();
        harness.Planner.PlanException = new DeploymentPlanException("Storage for flow run run-1 is not of type Docker.");
        harness.Source.WriteLogException = new HttpRequestException("write_run_logs failed");
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Equal(("run-1", 8, "Storage for flow run run-1 is not of type Docker."), Assert.Single(harness.Source.Failed));
        Assert.Empty(harness.Registry.Requests);
    }

    [Fact]
    public async Task DeployFlowAsync_SubmittedLogWriteFails_IsStillSubmitted()
    {
        var harness = new AgentHarness();
        harness.Source.WriteLogException = new HttpRequestException("write_run_logs failed");
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Empty(harness.Source.Failed);
    }

    [Fact]
    public async Task DeployFlowAsync_ExternalKwargsOn_PassesThemToThePlan()
    {
        var harness = new AgentHarness();
        harness.External.Kwargs = new JsonObject { ["cpu"] = "2048" };
        await using var agent = harness.Create(o =>
        {
            o.UseExternalKwargs = true;
            o.ExternalKwargsS3Bucket = "kwargs-bucket";
        });

        await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(["run-1"], harness.External.Requested);
        Assert.Equal("2048", Assert.Single(harness.Planner.Plans).External!["cpu"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeployFlowAsync_ExternalKwargsOff_NeverAsksForThem()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();

        await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Empty(harness.External.Requested);
        Assert.Null(Assert.Single(harness.Planner.Plans).External);
    }

    [Fact]
    public async Task DeployFlowAsync_ExternalKwargsFail_MarksFailedWithTheirMessage()
    {
        var harness = new AgentHarness();
        harness.External.Exception = new ExternalKwargsException("s3://kwargs-bucket/my-flow/abcdef12.json is not a JSON object.");
        await using var agent = harness.Create(o =>
        {
            o.UseExternalKwargs = true;
            o.ExternalKwargsS3Bucket = "kwargs-bucket";
        });

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Equal("s3://kwargs-bucket/my-flow/abcdef12.json is not a JSON object.", Assert.Single(harness.Source.Failed).Message);
    }

    [Fact]
    public async Task ValidateConfigurationAsync_RegistersAndRunsATestTask()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();

        var arn = await agent.ValidateConfigurationAsync();

        var definition = Assert.Single(harness.Registry.Requests);
        Assert.Matches("^prefect-test-task-[0-9a-f]{8}$", definition.Family);
        Assert.Equal(definition.Family["prefect-test-task-".Length..], definition.FlowId8);
        Assert.False(definition.TaskRevisions);
        Assert.Equal(definition.Family, definition.RegisterRequest["family"]!.GetValue<string>());
        var launch = Assert.Single(harness.Launcher.Requests);
        Assert.Equal(definition.Family, launch.Request["taskDefinition"]!.GetValue<string>());
        Assert.Equal(FakeTaskLauncher.Arn(definition.Family), arn);
    }
}
