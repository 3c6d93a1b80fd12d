namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>The real agent behind <see cref="IAgentHandle"/>.</summary>
internal sealed class FargateAgentHandle : IAgentHandle
{
    private readonly FargateAgent agent;

    public FargateAgentHandle(AgentOptions options)
    {
        agent = new FargateAgent(options);
    }

    public Task StartAsync(CancellationToken cancellationToken) => agent.StartAsync(cancellationToken);

    public Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken) => agent.ValidateConfigurationAsync(cancellationToken);

    public ValueTask DisposeAsync() => agent.DisposeAsync();
}
