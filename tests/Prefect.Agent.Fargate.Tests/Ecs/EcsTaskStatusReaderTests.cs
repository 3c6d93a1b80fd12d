using System.Text.Json;
using Prefect.Agent.Fargate.Ecs;

namespace Prefect.Agent.Fargate.Tests.Ecs;

public sealed class EcsTaskStatusReaderTests
{
    [Fact]
    public void Read_StoppedTask_ReadsStatusStopCodeReasonAndEveryContainer()
    {
        var tasks = Read("""
            {"tasks": [{
                "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prefect/1a2b", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
                "stopCode": "TaskFailedToStart", "stoppedReason": "CannotPullContainerError: not found",
                "overrides": {"containerOverrides": [{"name": "flow", "environment": [{"name": "PREFECT__CONTEXT__FLOW_RUN_ID", "value": "run-1"}]}]},
                "attachments": [{"type": "ElasticNetworkInterface", "details": [{"name": "subnetId", "value": "subnet-1"}]}],
                "containers": [
                    {"name": "flow", "lastStatus": "STOPPED", "reason": "CannotPullContainerError: not found"},
                    {"name": "sidecar", "lastStatus": "STOPPED", "reason": "Essential container exited", "exitCode": 137}
                ]
            }], "failures": []}
            """);

        var task = Assert.Single(tasks);
        Assert.Equal(
            ("arn:aws:ecs:us-east-1:123456789012:task/prefect/1a2b", "STOPPED", "TaskFailedToStart", "CannotPullContainerError: not found", true),
            (task.TaskArn, task.LastStatus, task.StopCode, task.StoppedReason, task.IsStopped));
        Assert.Equal(
            [("flow", "STOPPED", "CannotPullContainerError: not found", null), ("sidecar", "STOPPED", "Essential container exited", (int?)137)],
            task.Containers.Select(c => (c.Name, c.LastStatus, c.Reason, c.ExitCode)));
    }

    [Fact]
    public void Read_RunningTaskWithoutOptionalFields_ReadsNullsAndNoContainers()
    {
        var task = Assert.Single(Read("""{"tasks": [{"taskArn": "arn:task/1", "lastStatus": "RUNNING"}]}"""));

        Assert.Equal(("arn:task/1", "RUNNING", null, null, false), (task.TaskArn, task.LastStatus, task.StopCode, task.StoppedReason, task.IsStopped));
        Assert.Empty(task.Containers);
    }

    [Fact]
    public void Read_OddShapes_SkipsTasksWithoutArnAndReadsWrongTypesAsAbsent()
    {
        var tasks = Read("""
            {"tasks": [
                {"lastStatus": "STOPPED"},
                "arn:task/not-an-object",
                {"taskArn": "", "lastStatus": "STOPPED"},
                {"taskArn": "arn:task/2", "lastStatus": 3, "stopCode": null, "containers": [
                    {"name": "flow", "exitCode": "1"}, {"name": "big", "exitCode": 3000000000}, 7, {"exitCode": 1.5}
                ]}
            ]}
            """);

        var task = Assert.Single(tasks);
        Assert.Equal(("arn:task/2", null, null), (task.TaskArn, task.LastStatus, task.StopCode));
        Assert.Equal([("flow", null), ("big", null), (string.Empty, null)], task.Containers.Select(c => (c.Name, c.ExitCode)));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"tasks": null, "failures": [{"arn": "arn:task/1", "reason": "MISSING"}]}""")]
    [InlineData("""{"tasks": {}}""")]
    [InlineData("[]")]
    public void Read_NoTasksArray_ReadsNone(string json) => Assert.Empty(Read(json));

    private static IReadOnlyList<EcsTaskStatus> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return EcsTaskStatusReader.Read(document.RootElement);
    }
}
