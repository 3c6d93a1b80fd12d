using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A flow run to add to a <see cref="FakePrefectApi"/>.</summary>
public sealed class FakeFlowRunOptions
{
    /// <summary>Gets the flow name.</summary>
    public required string FlowName { get; init; }

    /// <summary>Gets the flow id; <see langword="null"/>: a new UUID per flow name.</summary>
    public string? FlowId { get; init; }

    /// <summary>Gets the flow version.</summary>
    public int FlowVersion { get; init; } = 1;

    /// <summary>Gets the Prefect core version the flow was registered with.</summary>
    public string CoreVersion { get; init; } = "0.15.0";

    /// <summary>Gets the flow run name; <see langword="null"/>: a generated one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the image, given through the run config (<c>run_config.image</c>, an ECSRun).</summary>
    public string? Image { get; init; }

    /// <summary>Gets the image given through Docker storage instead (<c>registry/name:tag</c>).</summary>
    public string? DockerStorageImage { get; init; }

    /// <summary>Gets an explicit run config (overrides <see cref="Image"/>).</summary>
    public JsonObject? RunConfig { get; init; }

    /// <summary>Gets an explicit flow storage (overrides <see cref="DockerStorageImage"/>).</summary>
    public JsonObject? Storage { get; init; }

    /// <summary>Gets the legacy flow environment, if any.</summary>
    public JsonObject? Environment { get; init; }

    /// <summary>Gets the run labels (a run is only given to agents whose labels include all of them).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Gets the state type: <c>Scheduled</c> (or <c>Retrying</c>, <c>Resume</c>, <c>Paused</c>, <c>Queued</c>), <c>Running</c>, ...</summary>
    public string State { get; init; } = "Scheduled";

    /// <summary>Gets the state's start time; <see langword="null"/>: one second before now.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Gets the flow-run version.</summary>
    public int Version { get; init; } = 2;

    /// <summary>Gets the parameters.</summary>
    public JsonObject? Parameters { get; init; }

    /// <summary>Gets the task runs.</summary>
    public IReadOnlyList<FakeTaskRunOptions> TaskRuns { get; init; } = [];
}
