using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>A task run of a <see cref="FlowRun"/>, marked Submitted with it when it is scheduled.</summary>
public sealed class TaskRunInfo
{
    /// <summary>Gets the task run id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the task run version (its optimistic lock).</summary>
    public required int Version { get; init; }

    /// <summary>Gets the task id.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets the serialized state.</summary>
    public JsonObject? SerializedState { get; init; }
}
