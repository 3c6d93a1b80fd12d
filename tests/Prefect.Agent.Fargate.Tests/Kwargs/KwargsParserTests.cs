using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class KwargsParserTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.TryGetValue(name, out var v) ? v : null;
    }

    [Fact]
    public void Parse_KeyLists_RouteEachKeyToItsDictionaries()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(
                ("taskRoleArn", "arn:role"), ("cluster", "my-cluster"), ("placementConstraints", "[{'type': 'memberOf'}]"),
                ("tags", "[{'key': 'a', 'value': 'b'}]"), ("ephemeralStorage", "{'sizeInGiB': 30}"),
                ("runtimePlatform", "{'cpuArchitecture': 'ARM64'}"), ("capacityProviderStrategy", "[{'capacityProvider': 'FARGATE_SPOT'}]"),
                ("enableExecuteCommand", "True"), ("subnets", "['x']"), ("requiresCompatibilities", "['EC2']"), ("launchType", "EC2"), ("Cluster", "x")),
            NoEnvironment);

        Assert.Equal(
            Json.Normalize("""{"taskRoleArn":"arn:role","placementConstraints":[{"type":"memberOf"}],"tags":[{"key":"a","value":"b"}],"ephemeralStorage":{"sizeInGiB":30},"runtimePlatform":{"cpuArchitecture":"ARM64"}}"""),
            Json.Of(parsed.TaskDefinition));
        Assert.Equal(
            Json.Normalize("""{"cluster":"my-cluster","placementConstraints":[{"type":"memberOf"}],"tags":[{"key":"a","value":"b"}],"capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT"}],"enableExecuteCommand":true}"""),
            Json.Of(parsed.Run));
        Assert.Empty(parsed.Container);
        Assert.Equal(["subnets", "requiresCompatibilities", "launchType", "Cluster"], parsed.IgnoredKeys);
    }

    [Fact]
    public void Parse_SharedKeys_AreIndependentCopies()
    {
        var parsed = KwargsParser.Parse(Json.Kwargs(("tags", new JsonArray(new JsonObject { ["key"] = "a", ["value"] = "b" }))), NoEnvironment);
        ((JsonObject)parsed.TaskDefinition["tags"]![0]!)["value"] = "changed";
        Assert.Equal("b", parsed.Run["tags"]![0]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(256, "\"256\"")]
    [InlineData(0, "\"0\"")]
    public void Parse_CpuMemoryIntegers_BecomeStrings(int value, string expected)
    {
        var parsed = KwargsParser.Parse(Json.Kwargs(("cpu", value), ("memory", JsonNode.Parse("512"))), NoEnvironment);
        Assert.Equal(expected, Json.Of(parsed.TaskDefinition["cpu"]));
        Assert.Equal("\"512\"", Json.Of(parsed.TaskDefinition["memory"]));
    }

    [Fact]
    public void Parse_CpuMemory_NeverLiteralParsed_BooleansBecomePythonText_FloatsKept()
    {
        var parsed = KwargsParser.Parse(Json.Kwargs(("cpu", "[1]"), ("memory", true)), NoEnvironment);
        Assert.Equal("\"[1]\"", Json.Of(parsed.TaskDefinition["cpu"]));
        Assert.Equal("\"True\"", Json.Of(parsed.TaskDefinition["memory"]));
        var floats = KwargsParser.Parse(Json.Kwargs(("cpu", JsonNode.Parse("256.0")), ("memory", 1.5)), NoEnvironment);
        Assert.Equal("256.0", Json.Of(floats.TaskDefinition["cpu"]));
        Assert.Equal("1.5", Json.Of(floats.TaskDefinition["memory"]));
    }

    [Theory]
    [InlineData("123", "123")]
    [InlineData("None", "null")]
    [InlineData("True", "true")]
    [InlineData("1.4.0", "\"1.4.0\"")]
    [InlineData("LATEST", "\"LATEST\"")]
    [InlineData("my-cluster", "\"my-cluster\"")]
    [InlineData("{\"awsvpcConfiguration\": {\"assignPublicIp\": \"ENABLED\"}}", "{\"awsvpcConfiguration\":{\"assignPublicIp\":\"ENABLED\"}}")]
    [InlineData("{\"enable\": true, \"x\": null}", "{\"enable\":true}")] // JSON null is "not set" (issue 11.4)
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "null")]
    [InlineData("{'a': true}", "\"{'a': true}\"")]
    public void Parse_StringValues_LiteralThenJsonThenRaw(string value, string expected)
        => Assert.Equal(expected, Json.Of(KwargsParser.Parse(Json.Kwargs(("cluster", value)), NoEnvironment).Run["cluster"]));

    [Fact]
    public void Parse_NonStringValues_AreKeptAsIs()
    {
        var parsed = KwargsParser.Parse(Json.Kwargs(("count", 1), ("enableECSManagedTags", false), ("networkConfiguration", new JsonObject { ["a"] = "True" })), NoEnvironment);
        Assert.Equal("""{"count":1,"enableECSManagedTags":false,"networkConfiguration":{"a":"True"}}""", Json.Of(parsed.Run));
    }

    [Fact]
    public void Parse_ContainerDefinitions_StringLiteralWithOneDefinition_ReadsContainerKeysOnly()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(("containerDefinitions", "[{'logConfiguration': {'logDriver': 'awslogs'}, 'environment': [{'name': 'A', 'value': '1'}], 'image': 'x', 'cpu': 5}]")),
            NoEnvironment);
        Assert.Equal("""{"logConfiguration":{"logDriver":"awslogs"},"environment":[{"name":"A","value":"1"}]}""", Json.Of(parsed.Container));
        Assert.Equal(["containerDefinitions[0].image", "containerDefinitions[0].cpu"], parsed.IgnoredKeys);
    }

    [Fact]
    public void Parse_ContainerDefinitionValues_AreLiteralParsed()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(("containerDefinitions", new JsonArray(new JsonObject { ["secrets"] = "[{'name': 'S', 'valueFrom': 'arn'}]" }))), NoEnvironment);
        Assert.Equal("""{"secrets":[{"name":"S","valueFrom":"arn"}]}""", Json.Of(parsed.Container));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{}, {}]")]
    public void Parse_ContainerDefinitionsNotOne_ThrowsOriginalMessage(string value)
    {
        var ex = Assert.Throws<KwargsException>(() => KwargsParser.Parse(Json.Kwargs(("containerDefinitions", value)), NoEnvironment));
        Assert.StartsWith("Fargate agent only accepts configuration for a single container definition.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exactly one", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a list", "string")]
    [InlineData("['a']", "dictionary")]
    [InlineData("None", "None")]
    public void Parse_ContainerDefinitionsMalformed_ThrowsWithFix(string value, string mentioned)
    {
        var ex = Assert.Throws<KwargsException>(() => KwargsParser.Parse(Json.Kwargs(("containerDefinitions", value)), NoEnvironment));
        Assert.StartsWith(KwargsParser.SingleContainerMessage, ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentioned, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnvironmentFallback_FillsAbsentAndFalsyValues()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(("cpu", ""), ("tags", "[]"), ("cluster", "explicit"), ("count", 0), ("networkConfiguration", "{}"), ("group", JsonNode.Parse("null"))),
            Env(("cpu", "1024"), ("memory", "2048"), ("tags", "[{'key': 'e', 'value': 'v'}]"), ("cluster", "from-env"), ("count", "1"),
                ("networkConfiguration", "{\"awsvpcConfiguration\": {\"subnets\": [\"s\"]}}"), ("group", "g"), ("startedBy", "")));

        Assert.Equal("""{"cpu":"1024","tags":[{"key":"e","value":"v"}],"memory":"2048"}""", Json.Of(parsed.TaskDefinition));
        Assert.Equal(
            """{"tags":[{"key":"e","value":"v"}],"cluster":"explicit","count":1,"networkConfiguration":{"awsvpcConfiguration":{"subnets":["s"]}},"group":"g"}""",
            Json.Of(parsed.Run));
        Assert.Contains("memory", parsed.KeysFromEnvironment);
        Assert.DoesNotContain("startedBy", parsed.KeysFromEnvironment);
    }

    [Fact]
    public void Parse_EnvironmentFallback_CpuMemoryStayStrings()
    {
        var parsed = KwargsParser.Parse([], Env(("cpu", "[1]"), ("memory", "0x10")));
        Assert.Equal("""{"cpu":"[1]","memory":"0x10"}""", Json.Of(parsed.TaskDefinition));
    }

    [Fact]
    public void Parse_EnvironmentFallback_ContainerKeysUsePrefixedNames()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(("containerDefinitions", "[{'secrets': []}]")),
            Env(("containerDefinitions_secrets", "[{'name': 'S', 'valueFrom': 'arn'}]"), ("containerDefinitions_logConfiguration", "{\"logDriver\": \"awslogs\"}"), ("logConfiguration", "{'x': 1}")));
        Assert.Equal("""{"secrets":[{"name":"S","valueFrom":"arn"}],"logConfiguration":{"logDriver":"awslogs"}}""", Json.Of(parsed.Container));
    }

    [Fact]
    public void Parse_NewKeys_AlsoReadFromEnvironment()
    {
        var parsed = KwargsParser.Parse([], Env(("capacityProviderStrategy", "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]"), ("ephemeralStorage", "{'sizeInGiB': 21}")));
        Assert.Equal("""{"capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}]}""", Json.Of(parsed.Run));
        Assert.Equal("""{"ephemeralStorage":{"sizeInGiB":21}}""", Json.Of(parsed.TaskDefinition));
    }

    [Fact]
    public void Parse_WithoutEnvironment_IgnoresVariables()
    {
        var parsed = KwargsParser.Parse(Json.Kwargs(("cluster", "")), environment: null);
        Assert.Equal("""{"cluster":""}""", Json.Of(parsed.Run));
    }

    [Fact]
    public void Parse_EnvironmentNamesAreCaseSensitive()
    {
        var parsed = KwargsParser.Parse([], Env(("CLUSTER", "x"), ("Cpu", "1")));
        Assert.Empty(parsed.Run);
        Assert.Empty(parsed.TaskDefinition);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("10")]
    public void Parse_CountAboveOne_Refused(string count)
    {
        var ex = Assert.Throws<KwargsException>(() => KwargsParser.Parse(Json.Kwargs(("count", count)), NoEnvironment));
        Assert.StartsWith($"count must be 1: one flow run starts one task (got {count})", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the count kwarg", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CountAboveOneFromEnvironment_Refused()
        => Assert.Throws<KwargsException>(() => KwargsParser.Parse([], Env(("count", "3"))));

    [Fact]
    public void Parse_InputNodes_AreNotMutatedOrAttached()
    {
        var tags = new JsonArray(new JsonObject { ["key"] = "a", ["value"] = "b" });
        var parsed = KwargsParser.Parse(Json.Kwargs(("tags", tags)), NoEnvironment);
        Assert.Null(tags.Parent);
        Assert.NotSame(tags, parsed.TaskDefinition["tags"]);
    }
}
