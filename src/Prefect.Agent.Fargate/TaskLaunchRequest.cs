using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>A RunTask request for one flow run.</summary>
public sealed class TaskLaunchRequest
{
    /// <summary>Gets the flow run id.</summary>
    public required string FlowRunId { get; init; }

    /// <summary>
    /// Gets the complete RunTask request body: <c>taskDefinition</c>, <c>overrides</c>, <c>launchType</c> or
    /// <c>capacityProviderStrategy</c>, <c>clientToken</c> and the run kwargs.
    /// </summary>
    public required JsonObject Request { get; init; }
}
