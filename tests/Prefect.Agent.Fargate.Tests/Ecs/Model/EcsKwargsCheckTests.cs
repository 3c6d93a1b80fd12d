using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs.Model;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Tests.Docs;

namespace Prefect.Agent.Fargate.Tests.Ecs.Model;

public sealed class EcsKwargsCheckTests
{
    private static IReadOnlyList<string> Check(string launchType, Dictionary<string, string>? environment = null, params (string Key, string Value)[] kwargs)
    {
        var parsed = KwargsParser.Parse(
            kwargs.Select(k => new KeyValuePair<string, JsonNode?>(k.Key, JsonValue.Create(k.Value))),
            name => environment?.GetValueOrDefault(name));
        return EcsKwargsCheck.Check(new AgentOptions { LaunchType = launchType }, parsed);
    }

    private static IReadOnlyList<string> Check(params (string Key, string Value)[] kwargs) => Check("FARGATE", null, kwargs);

    [Fact]
    public void Check_TheKwargsOfTheReadme_Pass()
    {
        var failures = Check(
            ("cpu", "1 vCPU"),
            ("memory", "2 GB"),
            ("cluster", "prefect"),
            ("taskRoleArn", "arn:aws:iam::123456789012:role/prefect-task"),
            ("executionRoleArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
            ("networkConfiguration", "{'awsvpcConfiguration': {'assignPublicIp': 'ENABLED', 'subnets': ['subnet-1'], 'securityGroups': []}}"),
            ("tags", "[{'key': 'team', 'value': 'data'}]"),
            ("propagateTags", "TASK_DEFINITION"),
            ("capacityProviderStrategy", "[{'capacityProvider': 'FARGATE_SPOT', 'weight': 1}]"),
            ("containerDefinitions", "[{'secrets': [{'name': 'TOKEN', 'valueFrom': 'arn:aws:ssm:us-east-1:123456789012:parameter/t'}], 'logConfiguration': {'logDriver': 'awslogs', 'options': {'awslogs-group': 'prefect'}}}]"),
            ("count", "1"),
            ("enableExecuteCommand", "True"));

        Assert.Empty(failures);
    }

    [Fact]
    public void Check_AnUnbalancedLiteral_SaysItWasKeptAsTextAndWhy()
    {
        var failure = Assert.Single(Check(("networkConfiguration", "{'awsvpcConfiguration': {")));

        Assert.StartsWith("Kwarg networkConfiguration (AgentOptions.Kwargs[\"networkConfiguration\"]) does not fit ECS's RunTask request: Invalid type for parameter networkConfiguration", failure, StringComparison.Ordinal);
        Assert.Contains("valid types: structure", failure, StringComparison.Ordinal);
        Assert.Contains("not a valid Python literal or JSON: check its brackets and quotes", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AnEmptyCpu_AsksForAValue()
    {
        var failure = Assert.Single(Check(("cpu", "")));

        Assert.Equal("Kwarg cpu (AgentOptions.Kwargs[\"cpu\"]) is empty, and ECS needs a value for it: give one, or remove the kwarg to leave it unset.", failure);
    }

    [Fact]
    public void Check_AValueFromTheEnvironment_NamesTheVariable()
    {
        var failure = Assert.Single(Check("EC2", new Dictionary<string, string> { ["propagateTags"] = "EVERYTHING" }));

        Assert.StartsWith("Kwarg propagateTags (the environment variable propagateTags) does not fit ECS's RunTask request: Invalid value for parameter propagateTags, value: EVERYTHING, valid values: ", failure, StringComparison.Ordinal);
        Assert.Contains("TASK_DEFINITION", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NestedTypeAndRangeProblems_AreEachReported()
    {
        var failures = Check(
            ("enableECSManagedTags", "'yes'"),
            ("networkConfiguration", "{'awsvpcConfiguration': {'subnets': 'subnet-1'}}"),
            ("placementStrategy", "[{'type': 'sideways'}]"));

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Kwarg enableECSManagedTags (", StringComparison.Ordinal) && f.Contains("valid types: boolean", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Kwarg networkConfiguration (", StringComparison.Ordinal) && f.Contains("parameter networkConfiguration.awsvpcConfiguration.subnets", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Kwarg placementStrategy (", StringComparison.Ordinal) && f.Contains("valid values: random, spread, binpack", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_AContainerKey_NamesTheContainerDefinitionsEntry()
    {
        var failure = Assert.Single(Check(("containerDefinitions", "[{'secrets': {'name': 'TOKEN'}}]")));

        Assert.StartsWith("Kwarg secrets (AgentOptions.Kwargs[\"containerDefinitions\"] (its \"secrets\")) does not fit ECS's RegisterTaskDefinition request: Invalid type for parameter containerDefinitions[0].secrets", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AContainerKeyFromTheEnvironment_NamesItsVariable()
    {
        var failure = Assert.Single(Check("FARGATE", new Dictionary<string, string> { ["containerDefinitions_mountPoints"] = "'data'" }));

        Assert.StartsWith("Kwarg mountPoints (the environment variable containerDefinitions_mountPoints) does not fit", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("256", "512")]
    [InlineData("0.25 vCPU", "2 GB")]
    [InlineData("1 vCPU", "8 GB")]
    [InlineData("4096", "30720")]
    [InlineData("16384", "122880")]
    public void Check_ATaskSizeFargateOffers_Passes(string cpu, string memory) =>
        Assert.Empty(Check(("cpu", cpu), ("memory", memory)));

    [Theory]
    [InlineData("256", "4096", "with cpu 256, memory must be 512, 1024 or 2048 MiB")]
    [InlineData("256", "1536", "with cpu 256, memory must be 512, 1024 or 2048 MiB")]
    [InlineData("1024", "1536", "with cpu 1024, memory must be 2048 to 8192 in steps of 1024 MiB")]
    [InlineData("8192", "20000", "with cpu 8192, memory must be 16384 to 61440 in steps of 4096 MiB")]
    public void Check_ATaskSizeFargateDoesNotOffer_SaysWhichSizesFit(string cpu, string memory, string fix)
    {
        var failure = Assert.Single(Check(("cpu", cpu), ("memory", memory)));

        Assert.StartsWith("Kwargs cpu (AgentOptions.Kwargs[\"cpu\"]) and memory (AgentOptions.Kwargs[\"memory\"]) are ", failure, StringComparison.Ordinal);
        Assert.EndsWith(fix + ".", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CpuUnitsFargateDoesNotOffer_ListsTheOnesItDoes()
    {
        var failure = Assert.Single(Check(("cpu", "300"), ("memory", "1024")));

        Assert.Contains("300 CPU units, which Fargate does not offer: use 256, 512, 1024", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OnEc2_AnyTaskSizePasses() =>
        Assert.Empty(Check("EC2", null, ("cpu", "300"), ("memory", "777")));

    [Fact]
    public void Check_AFargateCapacityProvider_ChecksTheSizeEvenWithLaunchTypeEc2()
    {
        var failures = Check(
            "EC2",
            null,
            ("cpu", "256"),
            ("memory", "4096"),
            ("capacityProviderStrategy", "[{'capacityProvider': 'FARGATE'}]"));

        Assert.Single(failures);
    }

    [Fact]
    public void Check_TheTrimmedModel_IsTheFakesModelForTheAgentsTwoOperations()
    {
        // The library ships a trimmed copy of the model the fakes embed: every shape it keeps must be the fakes' own.
        var trimmed = ReadModel("src/Prefect.Agent.Fargate/Ecs/Model/Models/ecs-kwargs");
        var full = ReadModel("src/Prefect.Agent.Fargate.Testing/Models/ecs-2014-11-13");

        foreach (var part in new[] { "min", "constraints" })
        {
            var kept = trimmed[part]["shapes"]!.AsObject();
            Assert.NotEmpty(kept);
            foreach (var (name, shape) in kept)
            {
                Assert.True(JsonNode.DeepEquals(shape, full[part]["shapes"]![name]), $"{part} shape {name} differs from the fakes' model");
            }

            foreach (var operation in new[] { "RegisterTaskDefinition", "RunTask" })
            {
                var input = (JsonNode? o) => part == "min" ? o?["input"] : o;
                Assert.True(JsonNode.DeepEquals(input(trimmed[part]["operations"]![operation]), input(full[part]["operations"]![operation])), $"{part} {operation}");
            }
        }
    }

    private static Dictionary<string, JsonNode> ReadModel(string path)
    {
        var root = RepositoryFiles.Root;
        return new Dictionary<string, JsonNode>
        {
            ["min"] = JsonNode.Parse(File.ReadAllText(Path.Combine(root, path + ".min.json")))!,
            ["constraints"] = JsonNode.Parse(File.ReadAllText(Path.Combine(root, path + ".constraints.json")))!,
        };
    }
}
