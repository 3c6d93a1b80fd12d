using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>
/// Finds runs the agent serves that stay Submitted without a deployment in this agent (a crash between claim and
/// RunTask, here or in another agent) and gives each its one task: a task found by <c>startedBy</c> is watched; no task
/// means the launch was lost, and the run is launched again with the same version, hence the same RunTask clientToken
/// (ECS answers the first task, or ConflictException, which is read as launched). Runs at start, then every
/// <see cref="AgentOptions.ReconcileInterval"/>.
/// </summary>
/// <remarks>
/// Prefect Server 0.15's <c>flow_run</c> fields the agent reads carry no time of the Submitted state, so the grace
/// (<see cref="AgentOptions.ReconcileAfter"/>) counts from when this agent first saw the run Submitted at that version: a
/// run left by a crash is launched within ReconcileAfter + ReconcileInterval of an agent's start.
/// </remarks>
internal sealed class Reconciler
{
    private readonly AgentOptions options;
    private readonly IFlowRunMonitor runs;
    private readonly Func<ITaskMonitor> tasks;
    private readonly TaskWatch watch;
    private readonly Func<string, bool> inFlight;
    private readonly Func<ClaimedFlowRun, CancellationToken, Task<TaskScope>> scope;
    private readonly Func<ClaimedFlowRun, CancellationToken, Task<DeploymentResult>> launch;
    private readonly AgentTelemetry telemetry;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly Dictionary<(string Id, int Version), long> firstSeen = [];

    public Reconciler(
        AgentOptions options,
        IFlowRunMonitor runs,
        Func<ITaskMonitor> tasks,
        TaskWatch watch,
        Func<string, bool> inFlight,
        Func<ClaimedFlowRun, CancellationToken, Task<TaskScope>> scope,
        Func<ClaimedFlowRun, CancellationToken, Task<DeploymentResult>> launch,
        AgentTelemetry telemetry,
        ILogger logger)
    {
        this.options = options;
        this.runs = runs;
        this.tasks = tasks;
        this.watch = watch;
        this.inFlight = inFlight;
        this.scope = scope;
        this.launch = launch;
        this.telemetry = telemetry;
        this.logger = logger;
        timeProvider = options.TimeProvider;
    }

    /// <summary>Gets whether reconciliation is on.</summary>
    public bool Enabled => options.ReconcileInterval > TimeSpan.Zero;

    /// <summary>Reconciles at once, then every interval, until cancelled.</summary>
    /// <param name="cancellationToken">Stops the reconciler.</param>
    /// <returns>A task that completes when it stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(options.ReconcileInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is not an error.
        }
    }

    /// <summary>One pass.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>A task that completes when the pass is done.</returns>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        List<FlowRunStatus> due;
        try
        {
            var submitted = await runs.GetSubmittedFlowRunsAsync(options.Labels.ToArray(), cancellationToken).ConfigureAwait(false);
            due = Due(submitted);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.ReconcileFailed(ex);
            return;
        }

        if (due.Count == 0)
        {
            return;
        }

        IReadOnlyList<FlowRun> metadata;
        try
        {
            metadata = await runs.GetFlowRunsAsync(due.Select(d => d.Id).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.ReconcileFailed(ex);
            return;
        }

        var byId = metadata.GroupBy(r => r.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var status in due)
        {
            // Still Submitted at the version seen, and still not ours in flight: then the claimed version is this one.
            if (!byId.TryGetValue(status.Id, out var run) || run.Version != status.Version || run.State != "Submitted" || inFlight(run.Id))
            {
                continue;
            }

            try
            {
                await ReconcileRunAsync(new ClaimedFlowRun(run, status.Version), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                logger.ReconcileRunFailed(ex, run.Id);
            }
        }
    }

    private List<FlowRunStatus> Due(IReadOnlyList<FlowRunStatus> submitted)
    {
        var now = timeProvider.GetTimestamp();
        var current = new HashSet<(string, int)>();
        var due = new List<FlowRunStatus>();
        foreach (var status in submitted)
        {
            var key = (status.Id, status.Version);
            current.Add(key);
            if (inFlight(status.Id) || watch.HasFollowed(status.Id, status.Version))
            {
                continue;
            }

            if (!firstSeen.TryGetValue(key, out var seen))
            {
                firstSeen[key] = now;
                seen = now;
            }

            if (timeProvider.GetElapsedTime(seen, now) >= options.ReconcileAfter)
            {
                due.Add(status);
            }
        }

        foreach (var key in firstSeen.Keys.Where(k => !current.Contains(k)).ToList())
        {
            firstSeen.Remove(key);
        }

        watch.ForgetAllBut(submitted.Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
        return due;
    }

    private async Task ReconcileRunAsync(ClaimedFlowRun claimed, CancellationToken cancellationToken)
    {
        var run = claimed.Run;
        var where = await scope(claimed, cancellationToken).ConfigureAwait(false);
        if (where.StartedBy is { } startedBy && string.Equals(startedBy, run.Id, StringComparison.Ordinal))
        {
            var found = await tasks().FindTasksAsync(where.Cluster, startedBy, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                logger.ReconcileFoundTask(run.Id, found[0]);
                telemetry.RunsReconciled.Add(1, telemetry.AgentTag, telemetry.Outcome("found"));
                watch.Watch(claimed, found[0], where.Cluster);
                return;
            }
        }

        logger.ReconcileLaunching(run.Id, options.ReconcileAfter.TotalSeconds);
        var result = await launch(claimed, cancellationToken).ConfigureAwait(false);
        telemetry.RunsReconciled.Add(1, telemetry.AgentTag, telemetry.Outcome(result.Status == DeploymentStatus.Submitted ? "launched" : "failed"));

        // A launched task is watched through the deployer's observer; a failed launch marked the run Failed; a conflict
        // whose task could not be named is left alone from now on (it has its task).
        watch.MarkFollowed(claimed);
    }
}
