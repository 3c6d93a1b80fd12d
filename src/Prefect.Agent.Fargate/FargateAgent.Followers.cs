using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Pipeline;

namespace Prefect.Agent.Fargate;

// After RunTask: the task watch and the reconciler that follow every claimed run until its flow starts (issue 12).
public sealed partial class FargateAgent
{
    /// <summary>Starts the task watch and the reconciler beside the poll loop (they hold no deployment slot).</summary>
    private Followers? StartFollowers(CancellationToken stopping)
    {
        if (options.TaskWatchInterval <= TimeSpan.Zero && options.ReconcileInterval <= TimeSpan.Zero)
        {
            return null;
        }

        if ((flowRunMonitor ?? flowRunSource.Value as IFlowRunMonitor) is not { } monitor)
        {
            logger.WatchUnavailable();
            return null;
        }

        var watch = new TaskWatch(options, () => taskMonitor.Value, () => flowRunSource.Value, monitor, telemetry, logger);
        deployer.Launched = watch.Watch;
        var reconciler = new Reconciler(
            options,
            monitor,
            () => taskMonitor.Value,
            watch,
            tracker.Contains,
            deployer.ResolveTaskScopeAsync,
            (claimed, ct) => deployer.LaunchClaimedAsync(claimed, trailing: null, ct),
            telemetry,
            logger);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        return new Followers(cancel, Task.WhenAll(watch.RunAsync(cancel.Token), reconciler.RunAsync(cancel.Token)));
    }

    /// <summary>The running task watch and reconciler.</summary>
    private sealed class Followers(CancellationTokenSource cancel, Task running)
    {
        public async Task StopAsync()
        {
            await cancel.CancelAsync().ConfigureAwait(false);
#pragma warning disable VSTHRD003 // The followers were started by this agent's run and end when cancelled.
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
#pragma warning restore VSTHRD003
            cancel.Dispose();
        }
    }
}
