using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;

namespace Prefect.Agent.Fargate.Tests.Testing.Ecs;

public sealed class FakeEcsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static JsonObject Describe(string reference, bool tags = false) =>
        tags ? new JsonObject { ["taskDefinition"] = reference, ["include"] = new JsonArray("TAGS") } : new JsonObject { ["taskDefinition"] = reference };

    [Fact]
    public async Task RegisterTaskDefinition_SameFamily_AddsRevisionsWithArns()
    {
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { Region = "eu-west-1", AccountId = "111122223333" });
        using var client = EcsTestClients.Create(ecs);

        await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow"), Ct);
        var second = await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow", "image:2"), Ct);

        Assert.Equal("arn:aws:ecs:eu-west-1:111122223333:task-definition/flow:2", second["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>());
        Assert.Equal(2, second["taskDefinition"]!["revision"]!.GetValue<int>());
        Assert.Equal([1, 2], ecs.TaskDefinitions.Select(d => d.Revision));
        Assert.All(ecs.TaskDefinitions, d => Assert.Equal("ACTIVE", d.Status));
    }

    [Fact]
    public async Task DescribeTaskDefinition_ByFamily_ReturnsTheLatestActiveRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow", "image:1"));
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow", "image:2"));
        await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = "flow:2" }, Ct);

        var latest = await client.DescribeTaskDefinitionAsync(Describe("flow"), Ct);
        var inactive = await client.DescribeTaskDefinitionAsync(Describe(ecs.TaskDefinitions[1].Arn), Ct);

        Assert.Equal("image:1", latest["taskDefinition"]!["containerDefinitions"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("INACTIVE", inactive["taskDefinition"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeTaskDefinition_Unknown_IsClientExceptionLikeEcs()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));

        foreach (var reference in new[] { "other", "flow:7", $"arn:aws:ecs:us-east-1:{ecs.AccountId}:task-definition/other:1" })
        {
            var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeTaskDefinitionAsync(Describe(reference), Ct));
            Assert.Equal("ClientException", ex.ErrorCode);
            Assert.Equal("Unable to describe task definition.", ex.ErrorMessage);
        }
    }

    [Fact]
    public async Task DescribeTaskDefinition_Tags_OnlyWithIncludeTags()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow", tags: [("PrefectFlowId", "1a2b3c4d"), ("PrefectFlowVersion", "3")]));

        var without = await client.DescribeTaskDefinitionAsync(Describe("flow"), Ct);
        var with = await client.DescribeTaskDefinitionAsync(Describe("flow", tags: true), Ct);

        Assert.False(without.ContainsKey("tags"));
        Assert.Null(without["taskDefinition"]!["tags"]);
        Assert.Equal(["PrefectFlowId=1a2b3c4d", "PrefectFlowVersion=3"], with["tags"]!.AsArray().Select(t => $"{t!["key"]}={t["value"]}"));
    }

    [Fact]
    public async Task RegisterTaskDefinition_FargateWithoutCpu_IsRejectedLikeEcs()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var request = EcsTestClients.TaskDefinition("flow");
        request.Remove("cpu");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RegisterTaskDefinitionAsync(request, Ct));

        Assert.Equal("ClientException", ex.ErrorCode);
        Assert.Contains("'cpu'", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(ecs.TaskDefinitions);
    }

    [Fact]
    public async Task RunTask_SameClientToken_ReturnsTheSameTasks_AndOtherParametersAreRefused()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));

        var first = await client.RunTaskAsync(EcsTestClients.RunTask("flow", clientToken: "run-42"), Ct);
        var again = await client.RunTaskAsync(EcsTestClients.RunTask("flow", clientToken: "run-42"), Ct);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RunTaskAsync(EcsTestClients.RunTask("flow", clientToken: "run-42", count: 2), Ct));

        Assert.Equal(first["tasks"]![0]!["taskArn"]!.GetValue<string>(), again["tasks"]![0]!["taskArn"]!.GetValue<string>());
        Assert.Single(ecs.Tasks);
        Assert.Equal("ConflictException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("run-42", ex.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTask_AwsvpcWithoutNetworkConfiguration_IsInvalidParameter()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        var request = EcsTestClients.RunTask("flow");
        request.Remove("networkConfiguration");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RunTaskAsync(request, Ct));

        Assert.Equal("InvalidParameterException", ex.ErrorCode);
        Assert.Empty(ecs.Tasks);
    }

    [Fact]
    public async Task RunTask_InjectedCapacityFailure_ReturnsNoTaskAndTheFailure()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var definition = ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        ecs.InjectFault("RunTask", FakeEcsFault.RunTaskFailure("RESOURCE:MEMORY"));

        var response = await client.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct);

        Assert.Empty(response["tasks"]!.AsArray());
        Assert.Equal("RESOURCE:MEMORY", response["failures"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(definition.Arn, response["failures"]![0]!["arn"]!.GetValue<string>());
        Assert.Empty(ecs.Tasks);
    }

    [Fact]
    public async Task DescribeTasks_KnownAndUnknown_ReturnsTasksAndMissingFailures()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
        var run = await client.RunTaskAsync(EcsTestClients.RunTask("flow", count: 2), Ct);
        var arns = run["tasks"]!.AsArray().Select(t => t!["taskArn"]!.GetValue<string>()).ToList();

        var described = await client.DescribeTasksAsync(
            new JsonObject { ["cluster"] = "prefect", ["tasks"] = new JsonArray(arns[0], arns[1].Split('/')[^1], "0123456789abcdef0123456789abcdef") },
            Ct);

        Assert.Equal(arns, described["tasks"]!.AsArray().Select(t => t!["taskArn"]!.GetValue<string>()));
        Assert.Equal("MISSING", described["failures"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("PREFECT__CONTEXT__FLOW_RUN_ID", described["tasks"]![0]!["overrides"]!["containerOverrides"]![0]!["environment"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListTaskDefinitions_PagesSortsAndFiltersByStatus()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        for (var i = 0; i < 3; i++)
        {
            ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("alpha"));
        }

        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("beta"));
        await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = "alpha:1" }, Ct);

        var arns = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var request = new JsonObject { ["maxResults"] = 2, ["sort"] = "DESC" };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var page = await client.ListTaskDefinitionsAsync(request, Ct);
            arns.AddRange(page["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
            token = page["nextToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        var inactive = await client.ListTaskDefinitionsAsync(new JsonObject { ["status"] = "INACTIVE" }, Ct);
        var alpha = await client.ListTaskDefinitionsAsync(new JsonObject { ["familyPrefix"] = "alpha" }, Ct);

        Assert.Equal(2, pages);
        Assert.Equal(["beta:1", "alpha:3", "alpha:2"], arns.Select(a => a.Split('/')[^1]));
        Assert.EndsWith("alpha:1", Assert.Single(inactive["taskDefinitionArns"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, alpha["taskDefinitionArns"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetResources_FiltersOnTagsAndResourceType_IncludingDeregisteredRevisions()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow", tags: [("PrefectFlowId", "aaaa1111"), ("PrefectFlowVersion", "1")]));
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow", tags: [("PrefectFlowId", "bbbb2222"), ("PrefectFlowVersion", "2")]));
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("untagged"));
        await client.InvokeAsync(Fargate.Aws.AwsService.Ecs, "DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = "flow:1" }, Ct);

        JsonObject Query(string id, string type) => new()
        {
            ["TagFilters"] = new JsonArray(new JsonObject { ["Key"] = "PrefectFlowId", ["Values"] = new JsonArray(id) }),
            ["ResourceTypeFilters"] = new JsonArray(type),
        };

        var hit = await client.GetResourcesAsync(Query("aaaa1111", "ecs:task-definition"), Ct);
        var otherType = await client.GetResourcesAsync(Query("aaaa1111", "ec2:instance"), Ct);

        var mapping = Assert.Single(hit["ResourceTagMappingList"]!.AsArray());
        Assert.EndsWith("task-definition/flow:1", mapping!["ResourceARN"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(mapping["Tags"]!.AsArray(), t => t!["Key"]!.GetValue<string>() == "PrefectFlowVersion" && t["Value"]!.GetValue<string>() == "1");
        Assert.Empty(otherType["ResourceTagMappingList"]!.AsArray());
        Assert.Equal(string.Empty, hit["PaginationToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnsignedRequest_IsRejectedAndRecordedAsInvalid()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var http = new HttpClient();
        using var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, ecs.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListTaskDefinitions");

        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", body["__type"]!.GetValue<string>());
        var recorded = Assert.Single(ecs.Requests);
        Assert.False(recorded.SignatureValid);
        Assert.Equal("ListTaskDefinitions", recorded.Operation);
    }

    [Fact]
    public async Task EnforceQuotas_BeyondTheBurst_ThrottlesWithRateExceeded()
    {
        var options = new FakeEcsOptions { EnforceQuotas = true };
        options.Quotas.TaskDefinitionModify = new TokenBucketOptions { Burst = 2, RatePerSecond = 0.01 };
        await using var ecs = await FakeEcs.StartAsync(options);
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });

        await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("a"), Ct);
        await client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("b"), Ct);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("c"), Ct));
        await client.ListTaskDefinitionsAsync([], Ct);

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Equal("Rate exceeded", ex.ErrorMessage);
        Assert.Equal(1, ecs.ThrottledCount);
        Assert.Equal(2, ecs.TaskDefinitions.Count);
    }

    [Fact]
    public async Task InjectFault_AccessDeniedAndTaggingThrottling_AnswerLikeAws()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.InjectFault("DescribeTaskDefinition", FakeEcsFault.AccessDenied());
        ecs.InjectFault("GetResources", FakeEcsFault.Throttling());

        var denied = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeTaskDefinitionAsync(Describe("x"), Ct));
        var throttled = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetResourcesAsync([], Ct));
        var afterwards = await client.GetResourcesAsync([], Ct);

        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Equal("ThrottledException", throttled.ErrorCode);
        Assert.Empty(afterwards["ResourceTagMappingList"]!.AsArray());
        Assert.Equal(new Dictionary<string, int> { ["DescribeTaskDefinition"] = 1, ["GetResources"] = 2 }, ecs.CallCounts);
    }

    [Fact]
    public async Task RegisterTaskDefinition_Seeding_ValidatesAgainstTheModel()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var request = EcsTestClients.TaskDefinition("flow");
        request["cpu"] = 256;

        var ex = Assert.Throws<ArgumentException>(() => ecs.RegisterTaskDefinition(request));

        Assert.Contains("Invalid type for parameter cpu", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyTo_AgentOptions_GivesAClientTheFakeAccepts()
    {
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { Region = "ap-southeast-2" });
        var options = ecs.ApplyTo(new AgentOptions { AwsSessionToken = "stale" });
        var settings = Fargate.Aws.AwsClientSettings.Resolve(options, _ => null, _ => null, _ => null);
        using var client = new Fargate.Ecs.Client.EcsClient(settings, null, null, TimeProvider.System);

        var listed = await client.ListTaskDefinitionsAsync([], Ct);

        Assert.Empty(listed["taskDefinitionArns"]!.AsArray());
        Assert.Equal(ecs.Url, settings.EcsEndpoint);
        Assert.Contains("/ap-southeast-2/ecs/aws4_request", Assert.Single(ecs.Requests).Headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnforceQuotas_FargateLaunches_CountTasksNotCalls()
    {
        var options = new FakeEcsOptions { EnforceQuotas = true };
        options.Quotas.FargateLaunch = new TokenBucketOptions { Burst = 5, RatePerSecond = 0.01 };
        await using var ecs = await FakeEcs.StartAsync(options);
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));

        await client.RunTaskAsync(EcsTestClients.RunTask("flow", count: 4), Ct);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RunTaskAsync(EcsTestClients.RunTask("flow", count: 2), Ct));

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Equal(4, ecs.Tasks.Count);
    }

    [Fact]
    public async Task EnforceQuotas_FargateRunTaskBucket_CountsCallsAndIsSharedByEveryClientOfTheFake()
    {
        var options = new FakeEcsOptions { EnforceQuotas = true };
        Assert.Equal((20, 20.0), (options.Quotas.FargateRunTask.Burst, options.Quotas.FargateRunTask.RatePerSecond));
        options.Quotas.FargateRunTask = new TokenBucketOptions { Burst = 3, RatePerSecond = 0.01 };
        await using var ecs = await FakeEcs.StartAsync(options);
        using var first = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        using var second = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));

        await first.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct);
        await second.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct);
        await first.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => second.RunTaskAsync(EcsTestClients.RunTask("flow"), Ct));

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Equal(3, ecs.Tasks.Count);
    }

    [Fact]
    public async Task Latency_OnTheOptionsClock_HoldsEachAnswerUntilItPasses()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { Latency = TimeSpan.FromSeconds(3), TimeProvider = time });
        using var client = EcsTestClients.Create(ecs);

        var call = client.ListTaskDefinitionsAsync([], Ct);
        while (ecs.Requests.Count == 0 && !call.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
            await Task.Delay(10, CancellationToken.None);
        }

        var listed = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(listed["taskDefinitionArns"]);
        Assert.True(time.GetUtcNow() - Assert.Single(ecs.Requests).ReceivedAt >= TimeSpan.FromSeconds(3));
    }
}
