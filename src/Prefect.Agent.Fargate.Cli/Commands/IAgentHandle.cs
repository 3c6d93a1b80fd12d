namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>What the commands need of an agent; a seam so that the command flow is tested without AWS or Prefect.</summary>
internal interface IAgentHandle : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken);
}
