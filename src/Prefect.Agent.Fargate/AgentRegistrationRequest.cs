namespace Prefect.Agent.Fargate;

/// <summary>What an agent registers as (the original's <c>register_agent</c> input).</summary>
public sealed class AgentRegistrationRequest
{
    /// <summary>Gets the agent type; <c>FargateAgent</c>, as the original.</summary>
    public string AgentType { get; init; } = "FargateAgent";

    /// <summary>Gets the agent name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the labels, in the order given.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets the agent configuration id, if any.</summary>
    public string? AgentConfigId { get; init; }
}
