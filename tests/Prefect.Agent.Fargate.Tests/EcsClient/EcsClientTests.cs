using System.Net;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

public sealed class EcsClientTests
{
    [Fact]
    public async Task RegisterTaskDefinitionAsync_ValidRequest_SendsSignedJson11AndReturnsTheRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);

        var response = await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("prefect-task-1a2b3c4d"), CancellationToken.None);

        Assert.Equal($"arn:aws:ecs:us-east-1:{ecs.AccountId}:task-definition/prefect-task-1a2b3c4d:1", response["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>());
        var request = Assert.Single(ecs.Requests);
        Assert.True(request.SignatureValid);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal("AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition", request.Headers["x-amz-target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["content-type"]);
        Assert.Contains("/us-east-1/ecs/aws4_request", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal("prefect-task-1a2b3c4d", request.ParseBody()!["family"]!.GetValue<string>());
    }

    [Fact]
    public async Task AllOperations_RoundTrip_AgainstTheFake()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var ct = CancellationToken.None;

        await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow-a", tags: ("PrefectFlowId", "1a2b3c4d")), ct);
        var described = await client.DescribeTaskDefinitionAsync(new JsonObject { ["taskDefinition"] = "flow-a", ["include"] = new JsonArray("TAGS") }, ct);
        var listed = await client.ListTaskDefinitionsAsync(new JsonObject { ["familyPrefix"] = "flow-a" }, ct);
        var run = await client.RunTaskAsync(EcsTestClients.RunTask("flow-a"), ct);
        var taskArn = run["tasks"]![0]!["taskArn"]!.GetValue<string>();
        var tasks = await client.DescribeTasksAsync(new JsonObject { ["cluster"] = "prefect", ["tasks"] = new JsonArray(taskArn) }, ct);
        var resources = await client.GetResourcesAsync(
            new JsonObject
            {
                ["TagFilters"] = new JsonArray(new JsonObject { ["Key"] = "PrefectFlowId", ["Values"] = new JsonArray("1a2b3c4d") }),
                ["ResourceTypeFilters"] = new JsonArray("ecs:task-definition"),
            },
            ct);

        Assert.Equal("1a2b3c4d", described["tags"]![0]!["value"]!.GetValue<string>());
        Assert.Single(listed["taskDefinitionArns"]!.AsArray());
        Assert.Matches(@"^arn:aws:ecs:us-east-1:\d{12}:task/prefect/[0-9a-f]{32}$", taskArn);
        Assert.Equal(taskArn, tasks["tasks"]![0]!["taskArn"]!.GetValue<string>());
        Assert.EndsWith("task-definition/flow-a:1", resources["ResourceTagMappingList"]![0]!["ResourceARN"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(ecs.Requests, r => Assert.True(r.SignatureValid));
        var tagging = Assert.Single(ecs.Requests, r => r.Operation == "GetResources");
        Assert.Equal("ResourceGroupsTaggingAPI_20170126.GetResources", tagging.Headers["x-amz-target"]);
        Assert.Contains("/us-east-1/tagging/aws4_request", tagging.Headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ThrottledTwice_RetriesResignedAndSucceeds()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 3 });
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.Throttling(), times: 2);

        var response = await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow-b"), CancellationToken.None);

        Assert.NotNull(response["taskDefinition"]);
        Assert.Equal(3, ecs.GetCallCount("RegisterTaskDefinition"));
        Assert.All(ecs.Requests, r => Assert.True(r.SignatureValid));
        Assert.Equal(["ThrottlingException", "ThrottlingException", null], ecs.Requests.Select(r => r.ErrorCode));
        Assert.Equal(1, client.Statistics.GetCalls("RegisterTaskDefinition"));
        Assert.Equal(3, client.Statistics.GetAttempts("RegisterTaskDefinition"));
        Assert.Equal(2, client.Statistics.ThrottledResponses);
    }

    [Fact]
    public async Task InvokeAsync_ThrottledBeyondMaxAttempts_ThrowsAwsServiceExceptionWithCodeMessageAndRequestId()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 4 });
        ecs.InjectFault("DescribeTaskDefinition", FakeEcsFault.Throttling(), times: 10);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() =>
            client.DescribeTaskDefinitionAsync(new JsonObject { ["taskDefinition"] = "x" }, CancellationToken.None));

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Equal("Rate exceeded", ex.ErrorMessage);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Equal("DescribeTaskDefinition", ex.Operation);
        Assert.Equal(4, ecs.GetCallCount("DescribeTaskDefinition"));
    }

    [Fact]
    public async Task InvokeAsync_ServerErrorOnce_IsRetried()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow-c"));
        ecs.InjectFault("RunTask", FakeEcsFault.ServerError());

        var run = await client.RunTaskAsync(EcsTestClients.RunTask("flow-c"), CancellationToken.None);

        Assert.Single(run["tasks"]!.AsArray());
        Assert.Equal([500, 200], ecs.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task InvokeAsync_ClientException_IsNotRetried()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 5 });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() =>
            client.DescribeTaskDefinitionAsync(new JsonObject { ["taskDefinition"] = "missing-family" }, CancellationToken.None));

        Assert.Equal("ClientException", ex.ErrorCode);
        Assert.Equal("Unable to describe task definition.", ex.ErrorMessage);
        Assert.Equal(1, ecs.GetCallCount("DescribeTaskDefinition"));
    }

    [Fact]
    public async Task InvokeAsync_AttemptTimesOut_IsRetried()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 2, ReadTimeout = TimeSpan.FromSeconds(2) });
        ecs.InjectFault("ListTaskDefinitions", FakeEcsFault.SlowResponse(TimeSpan.FromMinutes(5)));

        var listed = await client.ListTaskDefinitionsAsync([], CancellationToken.None);

        Assert.NotNull(listed["taskDefinitionArns"]);
        Assert.Equal(2, client.Statistics.GetAttempts("ListTaskDefinitions"));
    }

    [Fact]
    public async Task InvokeAsync_ConnectionDropped_IsRetried()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.InjectFault("ListTaskDefinitions", FakeEcsFault.DropConnection());

        var listed = await client.ListTaskDefinitionsAsync([], CancellationToken.None);

        Assert.NotNull(listed["taskDefinitionArns"]);
        Assert.Equal(2, client.Statistics.GetAttempts("ListTaskDefinitions"));
    }

    [Fact]
    public async Task InvokeAsync_NothingListening_ThrowsHttpRequestExceptionAfterMaxAttempts()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var url = ecs.Url;
        await ecs.DisposeAsync();
        var settings = Fargate.Aws.AwsClientSettings.Resolve(
            new AgentOptions { EcsServiceUrl = url, RegionName = "us-east-1", AwsAccessKeyId = FakeEcs.AccessKeyId, AwsSecretAccessKey = FakeEcs.SecretAccessKey, BotocoreConfig = new BotocoreConfig { MaxAttempts = 3 } },
            _ => null,
            _ => null,
            _ => null);
        using var client = new global::Prefect.Agent.Fargate.Ecs.Client.EcsClient(settings, null, null, TimeProvider.System, retryBaseDelay: TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListTaskDefinitionsAsync([], CancellationToken.None));

        Assert.Equal(3, client.Statistics.GetAttempts("ListTaskDefinitions"));
    }

    [Fact]
    public async Task InvokeAsync_WrongSecretKey_IsRejectedByTheFakesVerifierWithoutRetry()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, secret: "not-the-secret");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.ListTaskDefinitionsAsync([], CancellationToken.None));

        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.False(Assert.Single(ecs.Requests).SignatureValid);
    }

    [Fact]
    public async Task InvokeAsync_RequestBreakingTheModel_ThrowsInvalidParameterNamingTheMember()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var request = EcsTestClients.RunTask("flow-d");
        request["subnets"] = new JsonArray("subnet-1");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RunTaskAsync(request, CancellationToken.None));

        Assert.Equal("InvalidParameterException", ex.ErrorCode);
        Assert.Contains("Unknown parameter in input: \"subnets\"", ex.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_Throttled_SlowsTheGovernorsGroupDown()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), TimeProvider.System);
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 2 }, governor);
        ecs.InjectFault("DescribeTasks", FakeEcsFault.Throttling());

        await client.DescribeTasksAsync(new JsonObject { ["tasks"] = new JsonArray("abc") }, CancellationToken.None);

        var bucket = governor.GetBucket(EcsApiGroup.DescribeAndList);
        Assert.Equal(bucket.ConfiguredRatePerSecond * AdaptiveTokenBucket.SlowDownFactor, bucket.EffectiveRatePerSecond);
        Assert.Equal(40, governor.GetBucket(EcsApiGroup.ClusterModify).EffectiveRatePerSecond);
    }
}
