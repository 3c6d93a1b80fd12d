using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>
/// Follows each launched task until its run leaves Submitted (the flow runner took over; never touched then), its task
/// STOPPED (the run is marked Failed with ECS's reason) or <see cref="AgentOptions.TaskWatchTimeout"/>. Every
/// <see cref="AgentOptions.TaskWatchInterval"/>: one backend query for all watched runs, then one <c>DescribeTasks</c>
/// per cluster per 100 tasks. A run cancelled before its flow started gets its task stopped.
/// </summary>
internal sealed class TaskWatch
{
    /// <summary>The StopTask reason of a run cancelled before its flow started.</summary>
    public const string CancelledReason = "Flow run cancelled in Prefect";

    private readonly AgentOptions options;
    private readonly Func<ITaskMonitor> tasks;
    private readonly Func<IFlowRunSource> source;
    private readonly IFlowRunMonitor runs;
    private readonly AgentTelemetry telemetry;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly ConcurrentDictionary<string, Entry> watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> followed = new(StringComparer.Ordinal);

    public TaskWatch(AgentOptions options, Func<ITaskMonitor> tasks, Func<IFlowRunSource> source, IFlowRunMonitor runs, AgentTelemetry telemetry, ILogger logger)
    {
        this.options = options;
        this.tasks = tasks;
        this.source = source;
        this.runs = runs;
        this.telemetry = telemetry;
        this.logger = logger;
        timeProvider = options.TimeProvider;
    }

    /// <summary>Gets the number of tasks being watched.</summary>
    public int Count => watched.Count;

    /// <summary>Gets whether the watch is on.</summary>
    public bool Enabled => options.TaskWatchInterval > TimeSpan.Zero;

    /// <summary>Starts following a run's task (a run has one: a second call replaces the first).</summary>
    /// <param name="claimed">The run and its version after Submitted.</param>
    /// <param name="taskArn">The task.</param>
    /// <param name="cluster">The task's cluster, or <see langword="null"/> for the default.</param>
    public void Watch(ClaimedFlowRun claimed, string taskArn, string? cluster)
    {
        followed[claimed.Run.Id] = claimed.Version;
        if (!Enabled)
        {
            return;
        }

        var entry = new Entry(claimed with { Run = Identity(claimed.Run) }, taskArn, cluster, timeProvider.GetTimestamp());
        if (watched.TryAdd(claimed.Run.Id, entry))
        {
            telemetry.TasksWatched.Add(1, telemetry.AgentTag);
        }
        else
        {
            watched[claimed.Run.Id] = entry;
        }

        logger.TaskWatched(claimed.Run.Id, taskArn);
    }

    /// <summary>Records that a run at this version has been given its task, so that the reconciler leaves it alone.</summary>
    /// <param name="claimed">The run and version.</param>
    public void MarkFollowed(ClaimedFlowRun claimed) => followed[claimed.Run.Id] = claimed.Version;

    /// <summary>Gets whether this agent has followed (or follows) a run's task at this version: the reconciler leaves it alone.</summary>
    /// <param name="flowRunId">The run.</param>
    /// <param name="version">The run's version.</param>
    /// <returns><see langword="true"/> when followed.</returns>
    public bool HasFollowed(string flowRunId, int version) => followed.TryGetValue(flowRunId, out var v) && v == version;

    /// <summary>Forgets followed runs that are no longer Submitted (keeps the memory bounded).</summary>
    /// <param name="submitted">The ids of runs still Submitted.</param>
    public void ForgetAllBut(ISet<string> submitted)
    {
        foreach (var id in followed.Keys)
        {
            if (!submitted.Contains(id) && !watched.ContainsKey(id))
            {
                followed.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Checks every interval until cancelled.</summary>
    /// <param name="cancellationToken">Stops the watch.</param>
    /// <returns>A task that completes when the watch stopped.</returns>
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
                await Task.Delay(options.TaskWatchInterval, timeProvider, cancellationToken).ConfigureAwait(false);
                await CheckAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is not an error.
        }
    }

    /// <summary>One check of every watched task.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the check is done.</returns>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var entries = watched.Values.ToList();
        var live = new List<Entry>(entries.Count);
        foreach (var entry in entries)
        {
            var age = timeProvider.GetElapsedTime(entry.Since);
            if (age >= options.TaskWatchTimeout)
            {
                logger.WatchTimedOut(entry.Claimed.Run.Id, age.TotalSeconds, entry.TaskArn);
                Drop(entry);
            }
            else
            {
                live.Add(entry);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        IReadOnlyList<FlowRunStatus> statuses;
        try
        {
            statuses = await runs.GetFlowRunStatusesAsync(live.Select(e => e.Claimed.Run.Id).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.WatchCheckFailed(ex, "reading the runs' states");
            return;
        }

        var byId = statuses.GroupBy(s => s.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var submitted = new List<(Entry Entry, FlowRunStatus Status)>();
        foreach (var entry in live)
        {
            if (!byId.TryGetValue(entry.Claimed.Run.Id, out var status))
            {
                // The backend no longer has the run: nothing to report to.
                Drop(entry);
            }
            else if (status.State is "Cancelling" or "Cancelled")
            {
                await StopCancelledAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            else if (status.State != "Submitted")
            {
                // The flow runner took over (or a user or Lazarus did): never touched again.
                logger.RunLeftSubmitted(entry.Claimed.Run.Id, status.State, entry.TaskArn);
                Drop(entry);
            }
            else
            {
                submitted.Add((entry, status));
            }
        }

        foreach (var cluster in submitted.GroupBy(s => s.Entry.Cluster, StringComparer.Ordinal))
        {
            foreach (var batch in cluster.Chunk(ITaskMonitor.MaxDescribeBatch))
            {
                IReadOnlyList<EcsTaskStatus> described;
                try
                {
                    described = await tasks().DescribeTasksAsync(cluster.Key, batch.Select(b => b.Entry.TaskArn).ToList(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    logger.WatchCheckFailed(ex, "DescribeTasks");
                    continue;
                }

                var byArn = described.GroupBy(t => t.TaskArn, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                foreach (var (entry, status) in batch)
                {
                    if (byArn.TryGetValue(entry.TaskArn, out var task) && task.IsStopped)
                    {
                        await FailAsync(entry, status, task, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>The Failed message: everything ECS says about why the task stopped, so that a user can act on it.</summary>
    /// <param name="task">The stopped task.</param>
    /// <returns>The message.</returns>
    internal static string FailureMessage(EcsTaskStatus task)
    {
        var text = new StringBuilder("The flow run's ECS task stopped before the flow started. Task: ")
            .Append(task.TaskArn)
            .Append(". Stop code: ").Append(task.StopCode ?? "(none)")
            .Append(". Stopped reason: ").Append(task.StoppedReason ?? "(none)").Append('.');
        foreach (var container in task.Containers)
        {
            text.Append(" Container '").Append(container.Name).Append("': reason: ").Append(container.Reason ?? "(none)")
                .Append(", exit code: ").Append(container.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "(none)").Append('.');
        }

        return text.ToString();
    }

    private async Task FailAsync(Entry entry, FlowRunStatus status, EcsTaskStatus task, CancellationToken cancellationToken)
    {
        var run = entry.Claimed.Run;
        var message = FailureMessage(task);
        Drop(entry);
        logger.TaskFailedToStart(run.Id, message);
        telemetry.FailedStarts.Add(1, telemetry.AgentTag, new KeyValuePair<string, object?>(AgentInstruments.StopCodeTag, task.StopCode ?? "none"));
        try
        {
            // The version just read: the lock refuses the state if the flow runner moved the run meanwhile.
            await source().MarkFailedAsync(run, status.Version, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.WatchActionFailed(ex, "marking the run Failed", run.Id);
            return;
        }

        await WriteLogAsync(run, "ERROR", message, cancellationToken).ConfigureAwait(false);
    }

    private async Task StopCancelledAsync(Entry entry, CancellationToken cancellationToken)
    {
        var run = entry.Claimed.Run;
        Drop(entry);
        try
        {
            await tasks().StopTaskAsync(entry.Cluster, entry.TaskArn, CancelledReason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.WatchActionFailed(ex, "stopping the task of the cancelled run", run.Id);
            return;
        }

        telemetry.TasksStopped.Add(1, telemetry.AgentTag);
        logger.CancelledTaskStopped(run.Id, entry.TaskArn);
        await WriteLogAsync(run, "INFO", $"Flow run cancelled in Prefect before its flow started: stopped ECS task {entry.TaskArn}", cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteLogAsync(FlowRun run, string level, string message, CancellationToken cancellationToken)
    {
        try
        {
            var log = new FlowRunLog { FlowRunId = run.Id, Name = options.Name!, Level = level, Message = message, Timestamp = timeProvider.GetUtcNow() };
            await source().WriteLogAsync(log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.WatchActionFailed(ex, "writing the run log", run.Id);
        }
    }

    private void Drop(Entry entry)
    {
        if (((ICollection<KeyValuePair<string, Entry>>)watched).Remove(new KeyValuePair<string, Entry>(entry.Claimed.Run.Id, entry)))
        {
            telemetry.TasksWatched.Add(-1, telemetry.AgentTag);
        }
    }

    /// <summary>
    /// The run as the watch keeps it, for as long as its task is followed (up to TaskWatchTimeout, for every launched
    /// run): its identity, name and flow, without the JSON the deployment needed (state, parameters, run config, the
    /// flow's environment and storage, task runs), which is several kilobytes a run.
    /// </summary>
    private static FlowRun Identity(FlowRun run) => new()
    {
        Id = run.Id,
        Version = run.Version,
        State = run.State,
        Name = run.Name,
        ScheduledStartTime = run.ScheduledStartTime,
        Flow = new FlowInfo { Id = run.Flow.Id, Name = run.Flow.Name, Version = run.Flow.Version, CoreVersion = run.Flow.CoreVersion },
    };

    private sealed record Entry(ClaimedFlowRun Claimed, string TaskArn, string? Cluster, long Since);
}
