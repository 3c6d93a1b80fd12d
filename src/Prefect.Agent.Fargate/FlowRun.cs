using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>A flow run ready for deployment, with the metadata the agent reads (the original's <c>flow_run</c> query).</summary>
public sealed class FlowRun
{
    /// <summary>Gets the flow run id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the flow run version read with the metadata (the optimistic lock for Submitted).</summary>
    public required int Version { get; init; }

    /// <summary>Gets the state name, e.g. <c>Scheduled</c> or <c>Running</c>.</summary>
    public string? State { get; init; }

    /// <summary>Gets the serialized state (its <c>type</c>, <c>start_time</c>, ...).</summary>
    public JsonObject? SerializedState { get; init; }

    /// <summary>Gets the flow run parameters.</summary>
    public JsonNode? Parameters { get; init; }

    /// <summary>Gets the scheduled start time.</summary>
    public DateTimeOffset? ScheduledStartTime { get; init; }

    /// <summary>Gets the run config (only its <c>image</c> is used, as in the original).</summary>
    public JsonObject? RunConfig { get; init; }

    /// <summary>Gets the flow run name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the flow.</summary>
    public required FlowInfo Flow { get; init; }

    /// <summary>Gets the task runs returned with the metadata (those to mark Submitted too).</summary>
    public IReadOnlyList<TaskRunInfo> TaskRuns { get; init; } = [];
}
