using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;

namespace Prefect.Agent.Fargate.Tests.Testing.Ecs;

public sealed class FakeEcsLifecycleTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static JsonObject DescribeOne(string arn) => new() { ["cluster"] = "prefect", ["tasks"] = new JsonArray(arn) };

    [Fact]
    public async Task Task_IsProvisioning_ThenRunning_OnTheFakeClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = time, RequireSignature = false });
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        var arn = (await client.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct))["tasks"]![0]!["taskArn"]!.GetValue<string>();

        var before = (await client.DescribeTasksAsync(DescribeOne(arn), Ct))["tasks"]![0]!;
        time.Advance(TimeSpan.FromMilliseconds(150));
        var after = (await client.DescribeTasksAsync(DescribeOne(arn), Ct))["tasks"]![0]!;

        Assert.Equal("PROVISIONING", before["lastStatus"]!.GetValue<string>());
        Assert.Equal("RUNNING", before["desiredStatus"]!.GetValue<string>());
        Assert.Equal(1767225600.0, before["createdAt"]!.GetValue<double>());
        Assert.Equal("RUNNING", after["lastStatus"]!.GetValue<string>());
        Assert.Equal(1767225600.1, after["startedAt"]!.GetValue<double>(), 3);
        Assert.Equal("RUNNING", after["containers"]![0]!["lastStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailToStart_StopsWithTaskFailedToStart_AndTheContainerReason()
    {
        var time = new FakeTimeProvider();
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = time, RequireSignature = false });
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        ecs.AddTaskBehavior(FakeEcsTaskBehavior.FailToStart("flow", TimeSpan.FromSeconds(1.5), "CannotPullContainerError: repo:tag not found"));
        var arn = (await client.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct))["tasks"]![0]!["taskArn"]!.GetValue<string>();

        time.Advance(TimeSpan.FromSeconds(1.4));
        var pending = (await client.DescribeTasksAsync(DescribeOne(arn), Ct))["tasks"]![0]!;
        time.Advance(TimeSpan.FromSeconds(0.2));
        var stopped = (await client.DescribeTasksAsync(DescribeOne(arn), Ct))["tasks"]![0]!;

        Assert.Equal("PROVISIONING", pending["lastStatus"]!.GetValue<string>());
        Assert.Equal("STOPPED", stopped["lastStatus"]!.GetValue<string>());
        Assert.Equal("STOPPED", stopped["desiredStatus"]!.GetValue<string>());
        Assert.Equal("TaskFailedToStart", stopped["stopCode"]!.GetValue<string>());
        Assert.Equal("CannotPullContainerError: repo:tag not found", stopped["containers"]![0]!["reason"]!.GetValue<string>());
        Assert.Null(stopped["startedAt"]);
        Assert.NotNull(stopped["stoppedAt"]);
    }

    [Fact]
    public async Task StopTask_IsUserInitiated_AndStopsAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = time, RequireSignature = false });
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        var arn = (await client.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct))["tasks"]![0]!["taskArn"]!.GetValue<string>();
        time.Advance(TimeSpan.FromSeconds(1));

        var stopping = (await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "StopTask", new JsonObject { ["cluster"] = "prefect", ["task"] = arn, ["reason"] = "cancelled" }, Ct))["task"]!;
        time.Advance(TimeSpan.FromSeconds(1));
        var stopped = (await client.DescribeTasksAsync(DescribeOne(arn), Ct))["tasks"]![0]!;

        Assert.Equal("RUNNING", stopping["lastStatus"]!.GetValue<string>());
        Assert.Equal("STOPPED", stopping["desiredStatus"]!.GetValue<string>());
        Assert.Equal("UserInitiated", stopping["stopCode"]!.GetValue<string>());
        Assert.Equal("cancelled", stopping["stoppedReason"]!.GetValue<string>());
        Assert.Equal("STOPPED", stopped["lastStatus"]!.GetValue<string>());
        Assert.Equal("cancelled", stopped["stoppedReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListTasks_FiltersByDesiredStatusAndPages_AndForgetsStoppedTasksAfterAnHour()
    {
        var time = new FakeTimeProvider();
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = time, RequireSignature = false });
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        var run = await client.RunTaskAsync(EcsTestClients.RunTask("flow", count: 3), Ct);
        var arns = run["tasks"]!.AsArray().Select(t => t!["taskArn"]!.GetValue<string>()).ToList();
        await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "StopTask", new JsonObject { ["cluster"] = "prefect", ["task"] = arns[0] }, Ct);
        time.Advance(TimeSpan.FromSeconds(1));

        async Task<JsonObject> List(JsonObject request) => await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "ListTasks", request, Ct);
        var page1 = await List(new JsonObject { ["cluster"] = "prefect", ["family"] = "flow", ["maxResults"] = 1 });
        var page2 = await List(new JsonObject { ["cluster"] = "prefect", ["family"] = "flow", ["maxResults"] = 1, ["nextToken"] = page1["nextToken"]!.DeepClone() });
        var stopped = await List(new JsonObject { ["cluster"] = "prefect", ["desiredStatus"] = "STOPPED" });
        var other = await List(new JsonObject { ["cluster"] = "prefect", ["family"] = "other" });
        time.Advance(TimeSpan.FromHours(1));
        var later = await List(new JsonObject { ["cluster"] = "prefect", ["desiredStatus"] = "STOPPED" });
        var invalid = await Assert.ThrowsAsync<AwsServiceException>(() => List(new JsonObject { ["cluster"] = "prefect", ["desiredStatus"] = "GONE" }));

        Assert.Equal([arns[1]], page1["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal([arns[2]], page2["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(page2["nextToken"]);
        Assert.Equal([arns[0]], stopped["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Empty(other["taskArns"]!.AsArray());
        Assert.Empty(later["taskArns"]!.AsArray());
        Assert.Equal("InvalidParameterException", invalid.ErrorCode);
    }

    [Fact]
    public async Task DescribeTasks_UnknownArn_IsMissing()
    {
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { RequireSignature = false });
        using var client = EcsTestClients.Create(ecs);

        var answer = await client.DescribeTasksAsync(new JsonObject { ["cluster"] = "prefect", ["tasks"] = new JsonArray("0123") }, Ct);

        Assert.Empty(answer["tasks"]!.AsArray());
        Assert.Equal("MISSING", answer["failures"]![0]!["reason"]!.GetValue<string>());
    }
}
