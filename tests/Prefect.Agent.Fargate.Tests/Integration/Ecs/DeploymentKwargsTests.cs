using System.Text.Json;
using System.Text.Json.Nodes;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>Kwargs from the options, from environment variables and from CLI-like strings, as the fake receives them.</summary>
public sealed class DeploymentKwargsTests
{
    [Fact]
    public async Task Deploy_TypedKwargsFromOptions_ArriveInTheirRequestsWithEcsTypes()
    {
        await using var d = await StartAsync(o => o.Kwargs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["cpu"] = 1024,
            ["memory"] = "2048",
            ["taskRoleArn"] = "arn:aws:iam::123456789012:role/flow",
            ["executionRoleArn"] = "arn:aws:iam::123456789012:role/exec",
            ["cluster"] = "prefect",
            ["platformVersion"] = "1.4.0",
            ["networkConfiguration"] = JsonNode.Parse("""{"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}"""),
            ["tags"] = JsonNode.Parse("""[{"key":"team","value":"data"}]"""),
            ["enableECSManagedTags"] = true,
            ["propagateTags"] = "TASK_DEFINITION",
            ["launchType"] = "EC2",
            ["containerDefinitions"] = JsonNode.Parse("""[{"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/prefect","awslogs-region":"us-east-1","awslogs-stream-prefix":"flow"}},"image":"ignored:1"}]"""),
        });

        await d.DeployAsync(Run());

        var register = d.Ecs.Calls("RegisterTaskDefinition").Single().Body();
        Assert.Equal(JsonValueKind.String, register["cpu"]!.GetValueKind());
        Assert.Equal(("1024", "2048"), (register["cpu"].Text(), register["memory"].Text()));
        Assert.Equal("arn:aws:iam::123456789012:role/flow", register["taskRoleArn"].Text());
        Assert.Equal("arn:aws:iam::123456789012:role/exec", register["executionRoleArn"].Text());
        Assert.Equal("""[{"key":"team","value":"data"}]""", register["tags"]!.ToJsonString());
        Assert.Equal("""["FARGATE"]""", register["requiresCompatibilities"]!.ToJsonString());
        var container = register["containerDefinitions"]![0]!;
        Assert.Equal(Image, container["image"].Text());
        Assert.Equal("awslogs", container["logConfiguration"]!["logDriver"].Text());

        var run = d.Ecs.Calls("RunTask").Single().Body();
        Assert.Equal("prefect", run["cluster"].Text());
        Assert.Equal("1.4.0", run["platformVersion"].Text());
        Assert.True(JsonNode.DeepEquals(d.Options.Kwargs["networkConfiguration"], run["networkConfiguration"]));
        Assert.Equal("""[{"key":"team","value":"data"}]""", run["tags"]!.ToJsonString());
        Assert.Equal(JsonValueKind.True, run["enableECSManagedTags"]!.GetValueKind());
        Assert.Equal("TASK_DEFINITION", run["propagateTags"].Text());

        // launchType is not a kwarg (the original dropped it too): the option decides.
        Assert.Equal("FARGATE", run["launchType"].Text());
        Assert.False(run.ContainsKey("count"));
        Assert.Equal("prefect", d.Ecs.Tasks.Single().Cluster);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_KwargsFromEnvironmentVariables_AreLiteralParsedIntoTheirRequests()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cpu"] = "256",
            ["memory"] = "512",
            ["cluster"] = "env-cluster",
            ["count"] = "1",
            ["enableECSManagedTags"] = "True",
            ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['subnet-env'], 'assignPublicIp': 'DISABLED'}}",
            ["tags"] = "[{'key': 'source', 'value': 'env'}]",
            ["containerDefinitions_logConfiguration"] = "{'logDriver': 'awslogs', 'options': {'awslogs-group': '/env', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'flow'}}",
            ["containerDefinitions_environment"] = "[{'name': 'FROM_ENV', 'value': 'yes'}]",
        };

        // An explicit falsy value is replaced by the environment variable (reference 2.3).
        await using var d = await StartAsync(
            o => o.Kwargs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["cluster"] = string.Empty },
            environment: name => environment.GetValueOrDefault(name));

        await d.DeployAsync(Run());

        // tags is a task-definition and a run key: listed once per dictionary it went to.
        Assert.Equal(environment.Keys.Order(StringComparer.Ordinal), d.Kwargs.KeysFromEnvironment.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var register = d.Ecs.Calls("RegisterTaskDefinition").Single().Body();
        Assert.Equal(JsonValueKind.String, register["cpu"]!.GetValueKind());
        Assert.Equal(("256", "512"), (register["cpu"].Text(), register["memory"].Text()));
        Assert.Equal("""[{"key":"source","value":"env"}]""", register["tags"]!.ToJsonString());
        var container = register["containerDefinitions"]![0]!;
        Assert.Equal("/env", container["logConfiguration"]!["options"]!["awslogs-group"].Text());
        Assert.Equal("FROM_ENV=yes", EcsTraffic.EnvironmentLines(container["environment"])[^1]);

        var run = d.Ecs.Calls("RunTask").Single().Body();
        Assert.Equal("env-cluster", run["cluster"].Text());
        Assert.Equal(JsonValueKind.Number, run["count"]!.GetValueKind());
        Assert.Equal(1, run["count"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.True, run["enableECSManagedTags"]!.GetValueKind());
        Assert.Equal("""{"awsvpcConfiguration":{"subnets":["subnet-env"],"assignPublicIp":"DISABLED"}}""", run["networkConfiguration"]!.ToJsonString());
        Assert.Equal("env-cluster", d.Ecs.Tasks.Single().Cluster);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_CliStyleStrings_BecomeTheTypesEcsExpects()
    {
        await using var d = await StartAsync(o => o.Kwargs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['s-1'], 'assignPublicIp': 'ENABLED'}}",
            ["cpu"] = "256",
            ["memory"] = "512",
            ["cluster"] = "my-cluster",
            ["tags"] = "[{'key':'a','value':'b'}]",
        });

        await d.DeployAsync(Run());

        var register = d.Ecs.Calls("RegisterTaskDefinition").Single().Body();
        Assert.Equal(JsonValueKind.String, register["cpu"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, register["memory"]!.GetValueKind());
        Assert.Equal(("256", "512"), (register["cpu"].Text(), register["memory"].Text()));
        Assert.Equal("""[{"key":"a","value":"b"}]""", register["tags"]!.ToJsonString());

        var run = d.Ecs.Calls("RunTask").Single().Body();
        Assert.Equal("""{"awsvpcConfiguration":{"subnets":["s-1"],"assignPublicIp":"ENABLED"}}""", run["networkConfiguration"]!.ToJsonString());
        Assert.Equal("my-cluster", run["cluster"].Text());
        Assert.Equal("""[{"key":"a","value":"b"}]""", run["tags"]!.ToJsonString());
        var task = d.Ecs.Tasks.Single();
        Assert.Equal("my-cluster", task.Cluster);
        Assert.Equal("""[{"key":"a","value":"b"}]""", task.Task["tags"]!.ToJsonString());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_CapacityProviderStrategy_IsSentWithoutLaunchType()
    {
        await using var d = await StartAsync(o => o.Kwargs["capacityProviderStrategy"] = "[{'capacityProvider': 'FARGATE_SPOT', 'weight': 1}]");

        await d.DeployAsync(Run());

        var run = d.Ecs.Calls("RunTask").Single().Body();
        Assert.False(run.ContainsKey("launchType"));
        Assert.Equal("""[{"capacityProvider":"FARGATE_SPOT","weight":1}]""", run["capacityProviderStrategy"]!.ToJsonString());
        Assert.Equal(JsonValueKind.Number, run["capacityProviderStrategy"]![0]!["weight"]!.GetValueKind());
        Assert.Equal("""["FARGATE"]""", d.Ecs.Calls("RegisterTaskDefinition").Single().Body()["requiresCompatibilities"]!.ToJsonString());
        var task = d.Ecs.Tasks.Single();
        Assert.Null(task.LaunchType);
        Assert.Equal("FARGATE_SPOT", task.Task["capacityProviderStrategy"]![0]!["capacityProvider"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ExternalKwargs_ReplaceTheAgentsTopLevelKeysInBothRequests()
    {
        await using var d = await StartAsync();
        var external = JsonNode.Parse("""{"cpu": 1024, "memory": "2048", "cluster": "external", "containerDefinitions": [{"environment": [{"name": "EXT", "value": "1"}]}]}""")!.AsObject();

        await d.DeployAsync(Run(), externalKwargs: external);

        var register = d.Ecs.Calls("RegisterTaskDefinition").Single().Body();
        Assert.Equal(("1024", "2048"), (register["cpu"].Text(), register["memory"].Text()));
        Assert.Equal("EXT=1", EcsTraffic.EnvironmentLines(register["containerDefinitions"]![0]!["environment"])[^1]);
        var run = d.Ecs.Calls("RunTask").Single().Body();
        Assert.Equal("external", run["cluster"].Text());
        Assert.Equal("subnet-0a1b", run["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]![0].Text());
        d.Ecs.AssertEveryRequestValid();
    }
}
