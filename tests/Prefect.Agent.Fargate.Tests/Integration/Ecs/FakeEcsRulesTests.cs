using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>The ECS rules the fake enforces so that the integration tests above can fail where ECS would refuse.</summary>
public sealed class FakeEcsRulesTests
{
    [Fact]
    public async Task RunTask_LaunchTypeWithCapacityProviderStrategy_IsRefusedLikeEcs()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var arn = ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow")).Arn;
        var request = EcsTestClients.RunTask(arn);
        request["capacityProviderStrategy"] = JsonNode.Parse("""[{"capacityProvider":"FARGATE_SPOT","weight":1}]""");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RunTaskAsync(request, CancellationToken.None));

        Assert.Equal("InvalidParameterException", ex.ErrorCode);
        Assert.Contains("launch type and capacity provider strategy", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(ecs.Tasks);
    }

    [Fact]
    public async Task RegisterTaskDefinition_SecretsWithoutExecutionRole_IsRefusedLikeEcs()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var request = EcsTestClients.TaskDefinition("flow");
        request["containerDefinitions"]![0]!["secrets"] = JsonNode.Parse("""[{"name":"K","valueFrom":"arn:aws:ssm:us-east-1:1:parameter/k"}]""");

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.RegisterTaskDefinitionAsync(request, CancellationToken.None));
        request["executionRoleArn"] = "arn:aws:iam::123456789012:role/exec";
        await client.RegisterTaskDefinitionAsync(request, CancellationToken.None);

        Assert.Equal("ClientException", ex.ErrorCode);
        Assert.Contains("'executionRoleArn'", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Single(ecs.TaskDefinitions);
    }

    [Fact]
    public async Task DeregisterTaskDefinition_Seeding_MakesTheRevisionInactiveAndRefusesUnknownOnes()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var arn = ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow")).Arn;

        var deregistered = ecs.DeregisterTaskDefinition("flow:1");

        Assert.Equal((arn, "INACTIVE"), (deregistered.Arn, deregistered.Status));
        Assert.Throws<ArgumentException>(() => ecs.DeregisterTaskDefinition("flow"));
        Assert.Throws<ArgumentException>(() => ecs.DeregisterTaskDefinition("flow:2"));
        Assert.Empty(ecs.Requests);
    }

    [Fact]
    public async Task LoseResponse_RunTask_StartsTheTaskButTheClientSeesAConnectionError()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        var arn = ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow")).Arn;
        ecs.InjectFault("RunTask", FakeEcsFault.LoseResponse());

        await Assert.ThrowsAsync<HttpRequestException>(() => client.RunTaskAsync(EcsTestClients.RunTask(arn, clientToken: "t-1"), CancellationToken.None));
        var retried = await client.RunTaskAsync(EcsTestClients.RunTask(arn, clientToken: "t-1"), CancellationToken.None);

        Assert.Equal(ecs.Tasks.Single().TaskArn, retried["tasks"]![0]!["taskArn"]!.GetValue<string>());
        Assert.Equal([0, 200], ecs.Requests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task RunTask_SameTokenSameParametersInAnotherOrder_ReturnsTheSameTask()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        var arn = ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow")).Arn;
        var request = EcsTestClients.RunTask(arn, clientToken: "t-2");
        var reordered = new JsonObject(request.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var first = await client.RunTaskAsync(request, CancellationToken.None);
        var again = await client.RunTaskAsync(reordered, CancellationToken.None);

        Assert.NotEqual(request.ToJsonString(), reordered.ToJsonString());
        Assert.Equal(first["tasks"]![0]!["taskArn"]!.GetValue<string>(), again["tasks"]![0]!["taskArn"]!.GetValue<string>());
        Assert.Single(ecs.Tasks);
    }
}
