using System.Globalization;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Ecs;

/// <summary>Builds TaskDefinitionRequests shaped like the deployment plan's (reference section 3.6).</summary>
internal static class TaskDefinitions
{
    public const string FlowA = "aaaaaaaa";
    public const string FlowB = "bbbbbbbb";
    public const string Slug = "my-flow";

    public static TaskDefinitionRequest Default(string id8 = FlowA, Action<JsonObject>? tweak = null)
    {
        var body = Body($"prefect-task-{id8}");
        tweak?.Invoke(body);
        return new TaskDefinitionRequest { Family = $"prefect-task-{id8}", RegisterRequest = body, FlowId8 = id8 };
    }

    public static TaskDefinitionRequest Revisions(string id8, int? version, Action<JsonObject>? tweak = null)
    {
        var body = Body(Slug);
        body["tags"] = new JsonArray(
            new JsonObject { ["key"] = "PrefectFlowId", ["value"] = id8 },
            new JsonObject { ["key"] = "PrefectFlowVersion", ["value"] = version?.ToString(CultureInfo.InvariantCulture) ?? "None" });
        tweak?.Invoke(body);
        return new TaskDefinitionRequest { Family = Slug, RegisterRequest = body, FlowId8 = id8, FlowVersion = version, TaskRevisions = true };
    }

    public static string Arn(string family, int revision) => $"{RecordingEcsClient.ArnPrefix}{family}:{revision}";

    public static JsonObject Container(JsonObject body) => (JsonObject)body["containerDefinitions"]![0]!;

    private static JsonObject Body(string family) => new()
    {
        ["family"] = family,
        ["networkMode"] = "awsvpc",
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = "flow",
            ["image"] = "prefecthq/prefect:0.15.0",
            ["command"] = new JsonArray("/bin/sh", "-c", "prefect execute flow-run"),
            ["environment"] = new JsonArray(
                new JsonObject { ["name"] = "PREFECT__BACKEND", ["value"] = "cloud" },
                new JsonObject { ["name"] = "PREFECT__LOGGING__LEVEL", ["value"] = "INFO" }),
            ["essential"] = true,
        }),
        ["requiresCompatibilities"] = new JsonArray("FARGATE"),
        ["cpu"] = "256",
        ["memory"] = "512",
        ["executionRoleArn"] = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    };
}
