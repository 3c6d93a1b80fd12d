using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>
/// A thin adapter: the loop lives in <see cref="FargateAgent"/>, this only awaits it. A fatal error stops the host
/// (and escapes <see cref="ExecuteAsync"/>, so the host logs it too).
/// </summary>
internal sealed class FargateAgentHostedService : BackgroundService, IAsyncDisposable
{
    private readonly string name;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger logger;

    public FargateAgentHostedService(FargateAgent agent, string name, IHostApplicationLifetime lifetime, ILogger<FargateAgentHostedService> logger)
    {
        Agent = agent;
        this.name = name;
        this.lifetime = lifetime;
        this.logger = logger;
    }

    public FargateAgent Agent { get; }

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
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            logger.HostedAgentFailed(ex, name);
            lifetime.StopApplication();
            throw;
        }
    }
}
