namespace Prefect.Agent.Fargate;

/// <summary>A flow run's current state name and version.</summary>
public sealed class FlowRunStatus
{
    /// <summary>Gets the flow run id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the current version (the version lock of the next state).</summary>
    public required int Version { get; init; }

    /// <summary>Gets the state name, e.g. <c>Submitted</c>, <c>Running</c> or <c>Cancelling</c>.</summary>
    public string? State { get; init; }
}
