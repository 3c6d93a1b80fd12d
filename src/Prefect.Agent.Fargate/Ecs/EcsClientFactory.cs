namespace Prefect.Agent.Fargate.Ecs;

/// <summary>Creates the signed, retrying, rate-limited ECS client the agent uses.</summary>
internal static class EcsClientFactory
{
    /// <summary>Creates the client for the agent's lifetime.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <returns>The client.</returns>
    public static IEcsClient Create(AgentOptions options) => Client.EcsClient.Create(options);
}
