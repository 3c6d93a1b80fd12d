using Prefect.Agent.Fargate.Cli.Commands;

namespace Prefect.Agent.Fargate.Cli.Tests.Commands;

/// <summary>A scripted agent: records the options it was built with and runs the given behaviour.</summary>
internal sealed class FakeAgentHandle : IAgentHandle
{
    public Func<CancellationToken, Task> OnStart { get; init; } = _ => Task.CompletedTask;

    public Func<CancellationToken, Task<string>> OnValidate { get; init; } = _ => Task.FromResult("arn:aws:ecs:us-east-1:123456789012:task/default/abc");

    public AgentOptions? Options { get; set; }

    public bool Started { get; private set; }

    public bool Disposed { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started = true;
        return OnStart(cancellationToken);
    }

    public Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken) => OnValidate(cancellationToken);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
