namespace Prefect.Agent.Fargate.Ecs;

/// <summary>The default ECS seams over one shared, signed, rate-limited ECS client. Placeholder: the ECS work fills it.</summary>
internal sealed class EcsAgentServices : IDisposable
{
    private EcsAgentServices(ITaskDefinitionRegistry registry, ITaskLauncher launcher)
    {
        Registry = registry;
        Launcher = launcher;
    }

    public ITaskDefinitionRegistry Registry { get; }

    public ITaskLauncher Launcher { get; }

    /// <summary>Creates the ECS client, registry and launcher for the agent's lifetime.</summary>
    /// <param name="options">The agent's resolved options (AWS keys, region, endpoints, botocore config, rate limits).</param>
    /// <returns>The services.</returns>
    public static EcsAgentServices Create(AgentOptions options) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
