using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Maps a <c>flow_run</c> object of the metadata query to a <see cref="FlowRun"/>.</summary>
internal static class PrefectFlowRunReader
{
    /// <summary>Reads one flow run.</summary>
    /// <param name="node">The <c>flow_run</c> entry.</param>
    /// <returns>The run.</returns>
    public static FlowRun Read(JsonObject node)
    {
        var flow = node["flow"] as JsonObject ?? [];
        return new FlowRun
        {
            Id = String(node["id"]) ?? throw new PrefectApiException("The Prefect API returned a flow run without an id."),
            Version = Int(node["version"]) ?? 0,
            State = String(node["state"]),
            SerializedState = Object(node["serialized_state"]),
            Parameters = node["parameters"]?.DeepClone(),
            ScheduledStartTime = Time(node["scheduled_start_time"]),
            RunConfig = Object(node["run_config"]),
            Name = String(node["name"]),
            Flow = new FlowInfo
            {
                Id = String(flow["id"]) ?? string.Empty,
                Name = String(flow["name"]) ?? string.Empty,
                Environment = Object(flow["environment"]),
                Storage = Object(flow["storage"]),
                Version = Int(flow["version"]),
                CoreVersion = String(flow["core_version"]),
            },
            TaskRuns = (node["task_runs"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(t => new TaskRunInfo
                {
                    Id = String(t["id"]) ?? string.Empty,
                    Version = Int(t["version"]) ?? 0,
                    TaskId = String(t["task_id"]),
                    SerializedState = Object(t["serialized_state"]),
                })
                .ToList(),
        };
    }

    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int? Int(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : null;

    private static JsonObject? Object(JsonNode? node) => node is JsonObject obj ? (JsonObject)obj.DeepClone() : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        String(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
