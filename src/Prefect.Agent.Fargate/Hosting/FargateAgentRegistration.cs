namespace Prefect.Agent.Fargate.Hosting;

/// <summary>A marker in the service collection per registered agent, so a second agent with the same name is refused.</summary>
/// <param name="Name">The registration name.</param>
internal sealed record FargateAgentRegistration(string Name);
