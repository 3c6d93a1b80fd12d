using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>
/// A thin adapter: the loop lives in <see cref="FargateAgent"/>, this only awaits it. A fatal error is logged once,
/// here, and then <see cref="AgentOptions.OnFatalError"/> decides: <see cref="FatalErrorBehavior.StopHost"/> stops the
/// host and sets a non-zero process exit code (.NET 10's host itself ends with 0 after a failed background service,
/// dotnet/runtime#67146), <see cref="FatalErrorBehavior.Ignore"/> leaves the host running. The error does not escape
/// <see cref="ExecuteAsync"/>, so the host does not log it again. An agent that finishes on its own (its
/// <see cref="AgentOptions.MaxPolls"/> reached) stops the host with exit code 0, as the original's <c>start()</c>
/// returning ended its process.
/// </summary>
internal sealed class FargateAgentHostedService : BackgroundService, IAsyncDisposable
{
    private readonly string displayName;
    private readonly FatalErrorBehavior onFatalError;
    private readonly Action<int> setExitCode;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger logger;

    public FargateAgentHostedService(
        FargateAgent agent,
        string name,
        FatalErrorBehavior onFatalError,
        Action<int> setExitCode,
        IHostApplicationLifetime lifetime,
        ILogger<FargateAgentHostedService> logger)
    {
        Agent = agent;
        displayName = DisplayName(name);
        this.onFatalError = onFatalError;
        this.setExitCode = setExitCode;
        this.lifetime = lifetime;
        this.logger = logger;
    }

    public FargateAgent Agent { get; }

    /// <summary>Names an agent in log lines: <c>Fargate agent 'staging'</c>, or <c>Fargate agent</c> for the unnamed one.</summary>
    /// <param name="name">The registration name; empty for the unnamed agent.</param>
    /// <returns>The text.</returns>
    public static string DisplayName(string name) => string.IsNullOrEmpty(name) ? "Fargate agent" : $"Fargate agent '{name}'";

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync().ConfigureAwait(false);
        Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Agent.StartAsync(stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                logger.HostedAgentFinished(displayName);
                lifetime.StopApplication();
            }
        }
#pragma warning disable CA1031 // The host's policy (OnFatalError) handles every failure of the agent; rethrowing would only log it again.
        catch (Exception ex) when (!(ex is OperationCanceledException && stoppingToken.IsCancellationRequested))
#pragma warning restore CA1031
        {
            if (onFatalError == FatalErrorBehavior.Ignore)
            {
                logger.HostedAgentFailedHostKeepsRunning(ex, displayName);
                return;
            }

            logger.HostedAgentFailed(ex, displayName);
            setExitCode(1);
            lifetime.StopApplication();
        }
    }
}
