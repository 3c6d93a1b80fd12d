using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Tests.Ecs;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Pipeline;

public sealed class LaunchConflictTests
{
    [Fact]
    public async Task EcsLauncher_ConflictException_LooksUpTheRunsTaskByStartedBy()
    {
        var ecs = new RecordingEcsClient
        {
            ListTasksAnswer = request => new JsonObject
            {
                ["taskArns"] = request["desiredStatus"]!.ToString() == "RUNNING" ? new JsonArray("arn:task/first") : new JsonArray(),
            },
        };
        ecs.FailNext("RunTask", RecordingEcsClient.Error("RunTask", "ConflictException", "The clientToken is already in use with a different RunTask request."));
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);
        var body = new JsonObject { ["taskDefinition"] = "prefect-task-abc", ["cluster"] = "prefect", ["startedBy"] = "run-1", ["clientToken"] = "run-1-8" };

        var ex = await Assert.ThrowsAsync<TaskLaunchConflictException>(() => launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = "run-1", Request = body }, CancellationToken.None));

        Assert.Equal(["arn:task/first"], ex.ExistingTaskArns);
        var lists = ecs.Calls.Where(c => c.Operation == "ListTasks").Select(c => c.Request).ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, r => Assert.Equal(("prefect", "run-1"), (r["cluster"]!.ToString(), r["startedBy"]!.ToString())));
    }

    [Fact]
    public async Task Deploy_ConflictException_ReadAsLaunched_NeverFailed()
    {
        var harness = new AgentHarness();
        harness.Launcher.OnRunTask = (_, _) => throw new TaskLaunchConflictException("ConflictException", ["arn:task/existing"]);
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Equal("arn:task/existing", result.TaskArn);
        Assert.Empty(harness.Source.Failed);
        Assert.DoesNotContain(harness.Source.Logs, l => l.Level == "ERROR");
    }
}
