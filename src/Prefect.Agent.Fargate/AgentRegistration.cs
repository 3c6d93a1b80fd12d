using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>The outcome of registering with the backend.</summary>
public sealed class AgentRegistration
{
    /// <summary>Gets the agent id the backend assigned.</summary>
    public required string AgentId { get; init; }

    /// <summary>Gets the tenant id the agent works for, if known.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the settings of the agent configuration, when an <see cref="AgentOptions.AgentConfigId"/> was given.</summary>
    public JsonNode? AgentConfigSettings { get; init; }
}
