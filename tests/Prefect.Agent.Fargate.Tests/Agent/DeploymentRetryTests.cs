using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Agent;

public sealed class DeploymentRetryTests
{
    [Fact]
    public async Task DeployFlowAsync_ThrottledTwice_RetriesWithTheSameClaimAndSubmits()
    {
        var harness = new AgentHarness();
        var calls = 0;
        harness.Launcher.OnRunTask = (request, _) => ++calls <= 2
            ? throw new DeploymentStepException("ecs RunTask failed: ClientException: Rate exceeded", DeploymentFaultKind.Transient, "ThrottlingException")
            : Task.FromResult(new TaskLaunchResult { TaskArn = FakeTaskLauncher.Arn(request.FlowRunId) });
        await using var agent = harness.Create();

        var result = await DriveAsync(harness, agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7)));

        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Equal(3, harness.Launcher.Requests.Count);
        Assert.Empty(harness.Source.Failed);

        // Every attempt plans the same claimed version, so the clientToken (derived from run and version) is the same.
        Assert.All(harness.Planner.Plans, plan => Assert.Equal(8, plan.Version));
        Assert.Equal(3, harness.Planner.Plans.Count);
    }

    [Fact]
    public async Task DeployFlowAsync_CapacityNeverClears_FailsAfterCapacityRetriesWithEcsReason()
    {
        var harness = new AgentHarness();
        harness.Launcher.OnRunTask = (_, _) => throw new TaskLaunchException([new TaskLaunchFailure(null, "RESOURCE:MEMORY", null)]);
        await using var agent = harness.Create(o => o.CapacityRetries = 2);

        var result = await DriveAsync(harness, agent.DeployFlowAsync(FlowRuns.Create("run-1")));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Equal(3, harness.Launcher.Requests.Count);
        Assert.Contains("RESOURCE:MEMORY", result.Error, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployFlowAsync_PermanentError_FailsAtOnce()
    {
        var harness = new AgentHarness();
        harness.Launcher.OnRunTask = (_, _) => throw new TaskLaunchException([new TaskLaunchFailure(null, "MISSING", null)]);
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1"));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Single(harness.Launcher.Requests);
        Assert.DoesNotContain("attempts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployFlowAsync_TransientUntilTheDeadline_FailsWithTheLastReasonAndAttempts()
    {
        var harness = new AgentHarness();
        harness.Launcher.OnRunTask = (_, _) => throw new DeploymentStepException("ecs RunTask failed: ServerException (HTTP 500)", DeploymentFaultKind.Transient, "ServerException");
        await using var agent = harness.Create(o => o.DeploymentRetryTimeout = TimeSpan.FromSeconds(20));

        var result = await DriveAsync(harness, agent.DeployFlowAsync(FlowRuns.Create("run-1")));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Contains("ServerException", result.Error, StringComparison.Ordinal);
        Assert.Contains($"after {harness.Launcher.Requests.Count} attempts", result.Error, StringComparison.Ordinal);
        Assert.InRange(harness.Launcher.Requests.Count, 2, 6);
        Assert.Contains(harness.Source.Failed, _ => true);
    }

    [Fact]
    public void AgentOptions_NegativeRetrySettings_AreRejected()
    {
        var options = new AgentHarness().Options(o =>
        {
            o.CapacityRetries = -1;
            o.DeploymentRetryTimeout = TimeSpan.FromSeconds(-1);
        });

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith(nameof(AgentOptions.CapacityRetries) + " must not be negative", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith(nameof(AgentOptions.DeploymentRetryTimeout) + " must not be negative", StringComparison.Ordinal));
    }

    // Advances the fake clock past each retry wait the agent arms, until the deployment completes.
    private static async Task<DeploymentResult> DriveAsync(AgentHarness harness, Task<DeploymentResult> deployment)
    {
        for (var i = 0; i < 50 && !deployment.IsCompleted; i++)
        {
            var next = harness.Time.NextTimerAsync();
            if (await Task.WhenAny(next, deployment) == next)
            {
                harness.Time.Advance(await next);
            }
        }

        return await deployment.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
