using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>The default ECS seams over one shared, signed, rate-limited ECS client.</summary>
internal sealed class EcsAgentServices : IDisposable
{
    private readonly IEcsClient client;
    private readonly bool ownsClient;
    private readonly EcsTaskDefinitionRegistry registry;

    private EcsAgentServices(IEcsClient client, bool ownsClient, EcsTaskDefinitionRegistry registry, ITaskLauncher launcher, ITaskMonitor monitor)
    {
        this.client = client;
        this.ownsClient = ownsClient;
        this.registry = registry;
        Launcher = launcher;
        Monitor = monitor;
    }

    public ITaskDefinitionRegistry Registry => registry;

    public ITaskLauncher Launcher { get; }

    /// <summary>Gets the task monitor (DescribeTasks, ListTasks, StopTask) of the task watch and the reconciler.</summary>
    public ITaskMonitor Monitor { get; }

    /// <summary>Creates the registry and launcher over a given client (the composition root's, a test's, the fake ECS server's).</summary>
    /// <param name="options">The agent's resolved options (<see cref="AgentOptions.ReuseExistingTaskDefinitions"/>, <see cref="AgentOptions.ListTaskDefinitionFamilies"/>, logging).</param>
    /// <param name="client">The ECS client.</param>
    /// <param name="ownsClient">Whether disposing the services disposes the client.</param>
    /// <returns>The services.</returns>
    internal static EcsAgentServices Create(AgentOptions options, IEcsClient client, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        var loggerFactory = options.LoggerFactory;
        var registry = new EcsTaskDefinitionRegistry(client, options.ReuseExistingTaskDefinitions, loggerFactory.CreateLogger<EcsTaskDefinitionRegistry>(), options.TimeProvider, options.ListTaskDefinitionFamilies,
            sharedAccount: options.EcsRateLimits.Enabled && options.EcsRateLimits.AccountShare < 1);
        var launcher = new EcsTaskLauncher(client, loggerFactory.CreateLogger<EcsTaskLauncher>());
        var monitor = new EcsTaskMonitor(client, loggerFactory.CreateLogger<EcsTaskMonitor>());
        return new EcsAgentServices(client, ownsClient, registry, launcher, monitor);
    }

    public void Dispose()
    {
        registry.Dispose();
        if (ownsClient && client is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
