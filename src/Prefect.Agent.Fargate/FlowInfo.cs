using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>The flow of a <see cref="FlowRun"/>.</summary>
public sealed class FlowInfo
{
    /// <summary>Gets the flow id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the flow name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the serialized legacy environment, if any.</summary>
    public JsonObject? Environment { get; init; }

    /// <summary>Gets the serialized storage (Docker storage gives the image).</summary>
    public JsonObject? Storage { get; init; }

    /// <summary>Gets the flow version.</summary>
    public int? Version { get; init; }

    /// <summary>Gets the Prefect core version the flow was registered with.</summary>
    public string? CoreVersion { get; init; }
}
