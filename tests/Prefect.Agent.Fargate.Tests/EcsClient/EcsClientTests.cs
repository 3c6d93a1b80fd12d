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

    [Fact]
    public async Task DescribeTaskStatusesAsync_StoppedAndUnknownTasks_ReadsTheStatusesOfOneSignedDescribeTasks()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow-e"), CancellationToken.None);
        var run = await client.RunTaskAsync(EcsTestClients.RunTask("flow-e", count: 2), CancellationToken.None);
        var arns = run["tasks"]!.AsArray().Select(t => t!["taskArn"]!.GetValue<string>()).ToList();
        await client.StopTaskAsync(new JsonObject { ["cluster"] = "prefect", ["task"] = arns[1], ["reason"] = "Stopped by a test" }, CancellationToken.None);

        var statuses = await client.DescribeTaskStatusesAsync(
            new JsonObject { ["cluster"] = "prefect", ["tasks"] = new JsonArray(arns[0], arns[1], "arn:aws:ecs:us-east-1:123456789012:task/prefect/0000") },
            CancellationToken.None);

        Assert.Equal(arns, statuses.Select(s => s.TaskArn));
        Assert.Equal((null, null), (statuses[0].StopCode, statuses[0].StoppedReason));
        Assert.Equal(("UserInitiated", "Stopped by a test"), (statuses[1].StopCode, statuses[1].StoppedReason));
        Assert.Equal("flow", Assert.Single(statuses[1].Containers).Name);
        var describe = Assert.Single(ecs.Requests, r => r.Operation == "DescribeTasks");
        Assert.True(describe.SignatureValid);
        Assert.Equal(1, client.Statistics.GetCalls("DescribeTasks"));
    }

    [Fact]
    public async Task DescribeTaskStatusesAsync_Throttled_RetriedThenRead()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 2 });
        ecs.InjectFault("DescribeTasks", FakeEcsFault.Throttling());

        var statuses = await client.DescribeTaskStatusesAsync(new JsonObject { ["tasks"] = new JsonArray("abc") }, CancellationToken.None);

        Assert.Empty(statuses);
        Assert.Equal(["ThrottlingException", null], ecs.Requests.Select(r => r.ErrorCode));
    }

    [Fact]
    public async Task DescribeTaskStatusesAsync_ConnectionLostInTheAnswer_RetriedAsAnyConnectionError()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var answer = """{"tasks": [{"taskArn": "arn:task/1", "lastStatus": "RUNNING"}], "failures": []}"""u8.ToArray();
        using var handler = new BodyBreakingHandler(answer, breakFirst: 1);
        using var client = new global::Prefect.Agent.Fargate.Ecs.Client.EcsClient(
            EcsTestClients.Settings(ecs, new BotocoreConfig { MaxAttempts = 2 }), governor: null, logger: null, TimeProvider.System, handler, TimeSpan.FromMilliseconds(1));

        var statuses = await client.DescribeTaskStatusesAsync(new JsonObject { ["tasks"] = new JsonArray("arn:task/1") }, CancellationToken.None);

        Assert.Equal("arn:task/1", Assert.Single(statuses).TaskArn);
        Assert.Equal(2, handler.Calls);
        Assert.Equal(2, client.Statistics.GetAttempts("DescribeTasks"));
    }

    [Fact]
    public async Task DescribeTaskStatusesAsync_ConnectionLostOnEveryAttempt_ThrowsHttpRequestException()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var handler = new BodyBreakingHandler("""{"tasks": []}"""u8.ToArray(), breakFirst: int.MaxValue);
        using var client = new global::Prefect.Agent.Fargate.Ecs.Client.EcsClient(
            EcsTestClients.Settings(ecs, new BotocoreConfig { MaxAttempts = 3 }), governor: null, logger: null, TimeProvider.System, handler, TimeSpan.FromMilliseconds(1));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.DescribeTaskStatusesAsync(new JsonObject { ["tasks"] = new JsonArray("arn:task/1") }, CancellationToken.None));

        Assert.IsAssignableFrom<IOException>(ex.InnerException);
        Assert.Equal(3, handler.Calls);
    }

    /// <summary>Answers 200 with a JSON body whose connection breaks half-way for the first calls, whole after.</summary>
    private sealed class BodyBreakingHandler(byte[] body, int breakFirst) : HttpMessageHandler
    {
        private int calls;

        public int Calls => calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var broken = Interlocked.Increment(ref calls) <= breakFirst;
            Stream stream = broken ? new BreakingStream(body[..(body.Length / 2)]) : new MemoryStream(body);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
            response.Content.Headers.ContentLength = body.Length;
            return Task.FromResult(response);
        }
    }

    /// <summary>Reads its bytes, then fails as a connection closed before the end of the body.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, count) is > 0 and var read ? read : throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            await base.ReadAsync(buffer, cancellationToken) is > 0 and var read ? read : throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
