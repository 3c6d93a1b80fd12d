namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>An agent registered with <c>register_agent</c>.</summary>
/// <param name="Id">The assigned id.</param>
/// <param name="Type">The agent type, e.g. <c>FargateAgent</c>.</param>
/// <param name="Name">The name.</param>
/// <param name="Labels">The labels.</param>
/// <param name="TenantId">The tenant sent.</param>
/// <param name="AgentConfigId">The agent configuration sent.</param>
public sealed record FakeAgent(string Id, string Type, string? Name, IReadOnlyList<string> Labels, string? TenantId, string? AgentConfigId);
