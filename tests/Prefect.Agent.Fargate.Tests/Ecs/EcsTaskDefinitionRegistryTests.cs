using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Ecs;
using static Prefect.Agent.Fargate.Tests.Ecs.TaskDefinitions;

namespace Prefect.Agent.Fargate.Tests.Ecs;

/// <summary>What the registry does beyond the original: errors told apart, drift, the cache and single flight.</summary>
public sealed class EcsTaskDefinitionRegistryTests
{
    private readonly RecordingEcsClient ecs = new();

    public static TheoryData<string, string, HttpStatusCode> DescribeErrors => new()
    {
        { "ThrottlingException", "Rate exceeded", HttpStatusCode.BadRequest },
        { "AccessDeniedException", "User is not authorized to perform: ecs:DescribeTaskDefinition", HttpStatusCode.BadRequest },
        { "ServerException", "Service unavailable", HttpStatusCode.InternalServerError },
        { "ClientException", "The specified task definition revision is invalid.", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(DescribeErrors))]
    public async Task EnsureAsync_DescribeFailsOtherThanNotFound_PropagatesWithoutRegistering(string code, string message, HttpStatusCode status)
    {
        ecs.FailNext("DescribeTaskDefinition", RecordingEcsClient.Error("DescribeTaskDefinition", code, message, status));
        using var registry = Registry();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => registry.EnsureAsync(Default(), CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(["DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FailedLookup_IsNotCachedAndTheNextCallRetries()
    {
        ecs.FailNext("DescribeTaskDefinition", RecordingEcsClient.Error("DescribeTaskDefinition", "ThrottlingException", "Rate exceeded"));
        using var registry = Registry();
        await Assert.ThrowsAsync<AwsServiceException>(() => registry.EnsureAsync(Default(), CancellationToken.None));

        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition", "DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    public static TheoryData<string> Drifts => new()
    {
        "image", "command", "environment", "secrets", "cpu", "memory", "taskRoleArn", "executionRoleArn", "networkMode",
        "requiresCompatibilities", "ephemeralStorage", "tags",
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public async Task EnsureAsync_ExistingDefinitionDrifted_RegistersANewRevision(string member)
    {
        ecs.Seed(Default().RegisterRequest);
        ecs.ClearCalls();
        var request = Default(tweak: body => Change(body, member));
        using var registry = Registry();

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(request.RegisterRequest, ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_ExistingDefinitionDrifted_LogsWhichMemberDiffers()
    {
        ecs.Seed(Default().RegisterRequest);
        var logs = new FakeLogCollector();
        using var registry = new EcsTaskDefinitionRegistry(ecs, reuseExisting: false, new FakeLogger(logs), listFamilies: false);

        await registry.EnsureAsync(Default(tweak: body => Change(body, "image")), CancellationToken.None);

        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "TaskDefinitionDrifted");
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains("'containerDefinitions[0].image'", record.Message, StringComparison.Ordinal);
        Assert.Contains(Arn("prefect-task-aaaaaaaa", 1), record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureAsync_ExistingDefinitionDrifted_IsReusedWithReuseExistingTaskDefinitions()
    {
        ecs.Seed(Default().RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Default(tweak: body => Change(body, "image")), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_SettingRemovedFromConfiguration_IsDrift()
    {
        ecs.Seed(Default(tweak: body => body["taskRoleArn"] = "arn:aws:iam::123456789012:role/old").RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), result);
    }

    [Fact]
    public async Task EnsureAsync_SameSettingsInAnotherOrderOrEmptyForm_IsNoDrift()
    {
        ecs.Seed(Default().RegisterRequest);
        ecs.ClearCalls();
        var request = Default(tweak: body =>
        {
            var environment = Container(body)["environment"]!.AsArray();
            var first = environment[0]!.DeepClone();
            environment.RemoveAt(0);
            environment.Add(first);
            body["volumes"] = new JsonArray();
            Container(body)["secrets"] = new JsonArray();
            body["memory"] = 512;
        });
        using var registry = Registry();

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_RevisionsSameFlowNewVersion_RegistersANewRevision()
    {
        ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Revisions(FlowA, 2), CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_LookupHitWithoutReuse_DescribesTheRevisionBeforeUsingIt()
    {
        ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 1), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources", "DescribeTaskDefinition"], ecs.Operations);
        Assert.Equal(Arn(Slug, 1), ecs.Calls[2].Request["taskDefinition"]!.ToString());
    }

    [Fact]
    public async Task EnsureAsync_LookupHitDeregistered_RegistersInstead()
    {
        var old = ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.Deregister(old);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 3), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources", "DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_LookupOverSeveralPages_ReadsEveryPageAndTakesTheHighestRevision()
    {
        ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.Seed(Revisions(FlowA, 1, body => Change(body, "image")).RegisterRequest);
        ecs.Seed(Revisions(FlowA, 1, body => Change(body, "memory")).RegisterRequest);
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.TaggingPageSize = 1;
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 3), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources", "GetResources", "GetResources"], ecs.Operations);
        Assert.Null(ecs.Calls[1].Request["PaginationToken"]);
        Assert.Equal("1", ecs.Calls[2].Request["PaginationToken"]!.ToString());
        Assert.Equal("2", ecs.Calls[3].Request["PaginationToken"]!.ToString());
    }

    [Fact]
    public async Task EnsureAsync_KnownDefinition_IsAnsweredFromTheCacheWithoutAnyEcsCall()
    {
        using var registry = Registry();
        var first = await registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.ClearCalls();

        var second = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Empty(ecs.Calls);
    }

    [Fact]
    public async Task EnsureAsync_ChangedRequestOfACachedFamily_AsksEcsAgain()
    {
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.ClearCalls();

        var result = await registry.EnsureAsync(Default(tweak: body => Change(body, "image")), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_HundredConcurrentCallsOfOneFamily_RegisterOnce()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ecs.Hold = hold.Task;
        using var registry = Registry();

        // Each call returns at its first await: once Parallel.For is done, all 100 are in flight while ECS holds.
        var calls = new Task<string>[100];
        Parallel.For(0, calls.Length, i => calls[i] = registry.EnsureAsync(Default(), CancellationToken.None));
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        hold.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), r));
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task Invalidate_Family_MakesTheNextCallAskEcsAgain()
    {
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.ClearCalls();

        registry.Invalidate("prefect-task-aaaaaaaa");
        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_CallerCancelled_OtherCallersOfTheSharedLookupStillGetTheAnswer()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ecs.Hold = hold.Task;
        using var registry = Registry();
        using var cancel = new CancellationTokenSource();

        var cancelled = registry.EnsureAsync(Default(), cancel.Token);
        var other = registry.EnsureAsync(Default(), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        hold.SetResult();

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), await other);
    }

    internal static void Change(JsonObject body, string member)
    {
        var container = Container(body);
        switch (member)
        {
            case "image": container["image"] = "registry.example/flows:2"; break;
            case "command": container["command"] = new JsonArray("/bin/sh", "-c", "prefect execute cloud-flow"); break;
            case "environment": container["environment"]!.AsArray().Add(new JsonObject { ["name"] = "EXTRA", ["value"] = "1" }); break;
            case "secrets": container["secrets"] = new JsonArray(new JsonObject { ["name"] = "TOKEN", ["valueFrom"] = "arn:aws:ssm:us-east-1:123456789012:parameter/t" }); break;
            case "cpu": body["cpu"] = "512"; break;
            case "memory": body["memory"] = "1024"; break;
            case "taskRoleArn": body["taskRoleArn"] = "arn:aws:iam::123456789012:role/flow"; break;
            case "executionRoleArn": body["executionRoleArn"] = "arn:aws:iam::123456789012:role/other"; break;
            case "networkMode": body["networkMode"] = "bridge"; break;
            case "requiresCompatibilities": body["requiresCompatibilities"] = new JsonArray("EC2"); break;
            case "ephemeralStorage": body["ephemeralStorage"] = new JsonObject { ["sizeInGiB"] = 40 }; break;
            case "tags": body["tags"] = new JsonArray(new JsonObject { ["key"] = "team", ["value"] = "data" }); break;
            default: throw new ArgumentOutOfRangeException(nameof(member), member, "unknown member");
        }
    }

    // The describe path: the family listing is off here (its own tests: TaskDefinitionFamilyIndexTests).
    private EcsTaskDefinitionRegistry Registry(bool reuse = false) => new(ecs, reuse, NullLogger.Instance, listFamilies: false);
}
