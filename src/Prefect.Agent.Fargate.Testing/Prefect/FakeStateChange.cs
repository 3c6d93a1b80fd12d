using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A state a flow run or task run was set to.</summary>
/// <param name="Type">The state type, e.g. <c>Submitted</c>.</param>
/// <param name="Message">The state message.</param>
/// <param name="Version">The run's version after the change.</param>
/// <param name="SerializedState">The serialized state as sent.</param>
/// <param name="AgentId">The <c>X-PREFECT-AGENT-ID</c> of the request, if any.</param>
public sealed record FakeStateChange(string Type, string? Message, int Version, JsonObject SerializedState, string? AgentId);
