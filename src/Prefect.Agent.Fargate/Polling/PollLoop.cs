using System.Globalization;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Polling;

/// <summary>
/// The poll loop (reference 4.3-4.5, with the fixes of issue 7): back-off by index, bounded concurrency, an
/// immediate re-poll when a page was full and slots are free, and no sleep after the last of <c>MaxPolls</c>.
/// </summary>
internal sealed class PollLoop
{
    private readonly AgentOptions options;
    private readonly IFlowRunSource source;
    private readonly DeploymentTracker tracker;
    private readonly Func<FlowRun, CancellationToken, Task> deploy;
    private readonly WakeSignal wake;
    private readonly AgentStatus status;
    private readonly AgentTelemetry telemetry;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly int refillAt;

    public PollLoop(
        AgentOptions options,
        IFlowRunSource source,
        DeploymentTracker tracker,
        Func<FlowRun, CancellationToken, Task> deploy,
        WakeSignal wake,
        AgentStatus status,
        AgentTelemetry telemetry,
        ILogger logger)
    {
        this.options = options;
        this.source = source;
        this.tracker = tracker;
        this.deploy = deploy;
        this.wake = wake;
        this.status = status;
        this.telemetry = telemetry;
        this.logger = logger;
        timeProvider = options.TimeProvider;

        // With every slot taken there is a backlog: polling for each slot that frees would cost a poll and a claim call
        // per run (at a 20 launches/s quota, 20 polls a second). The loop refills a page at a time instead (Prefect
        // Server returns at most 25 ids), or half the slots when there are fewer, or after the back-off interval.
        refillAt = Math.Clamp(options.MaxConcurrentDeployments / 2, 1, FlowRunQuery.ServerPageSize);
    }

    /// <summary>Polls until <c>MaxPolls</c> polls are done or <paramref name="stopping"/> is cancelled.</summary>
    /// <param name="stopping">Stops the loop.</param>
    /// <param name="deployments">Cancels claimed deployments (drain timeout).</param>
    /// <returns>A task that completes when the loop stopped; faults with a fatal exception.</returns>
    public async Task RunAsync(CancellationToken stopping, CancellationToken deployments)
    {
        var backoff = new BackoffSchedule(options.PollIntervals);
        var polls = 0;
        while (!stopping.IsCancellationRequested && (options.MaxPolls is not { } max || polls < max))
        {
            wake.Reset();
            tracker.SlotFreed.Reset();
            if (tracker.FreeSlots == 0)
            {
                logger.SlotsFull(options.MaxConcurrentDeployments);
                await WaitAsync(backoff.Current, refillAt, stopping).ConfigureAwait(false);
                continue;
            }

            var (found, mayHaveMore) = await PollOnceAsync(stopping, deployments).ConfigureAwait(false);
            polls++;
            backoff.Record(found > 0);

            // Nothing new while deployments are in flight is not an idle queue: the backend keeps answering with the
            // runs being claimed (a full page of them hides the next ones), so the wait also ends as soon as one
            // finishes (sleeping out the back-off cost ~0.45 s per page of 25 runs; benchmarks/README.md).
            var waitingForInFlight = found == 0 && tracker.Count > 0;

            // Deliberately unlike the original, which slept once more after its last poll (max_polls=8 idle took
            // ~46 s): the agent stops as soon as the last poll is done.
            if (options.MaxPolls is { } limit && polls >= limit)
            {
                logger.MaxPollsReached(limit);
                break;
            }

            if (found > 0 && mayHaveMore && tracker.FreeSlots > 0)
            {
                continue;
            }

            var wakeAtFreeSlots = tracker.FreeSlots == 0 ? refillAt : waitingForInFlight ? 1 : 0;
            logger.Sleeping(backoff.Current.TotalSeconds);
            await WaitAsync(backoff.Current, wakeAtFreeSlots, stopping).ConfigureAwait(false);
        }
    }

    private async Task<(int Found, bool MayHaveMore)> PollOnceAsync(CancellationToken stopping, CancellationToken deployments)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity(AgentInstruments.PollActivity);
        var started = timeProvider.GetTimestamp();
        FlowRunPage page;
        try
        {
            var query = new FlowRunQuery
            {
                Labels = options.Labels.ToArray(),
                Exclude = tracker.InFlightIds,
                MaxRuns = tracker.FreeSlots,
            };
            page = await source.GetReadyFlowRunsAsync(query, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stopping.IsCancellationRequested) && !AgentErrors.IsFatal(ex))
        {
            logger.PollFailed(ex);
            status.RecordPoll(succeeded: false, timeProvider.GetUtcNow());
            telemetry.PollDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, telemetry.AgentTag, telemetry.Outcome("error"));
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            return (0, false);
        }

        status.RecordPoll(succeeded: true, timeProvider.GetUtcNow());
        telemetry.PollDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, telemetry.AgentTag, telemetry.Outcome("ok"));

        var now = timeProvider.GetUtcNow();
        var dispatched = new List<string>();
        foreach (var run in page.Runs)
        {
            logger.SubmittingRun(run.Id);
            if (tracker.TryDispatch(run, StartTime(run, now) - now, deploy, stopping, deployments))
            {
                dispatched.Add(run.Id);
            }
        }

        if (dispatched.Count > 0)
        {
            logger.FoundReadyRuns(dispatched.Count, dispatched);
            telemetry.FlowRunsFound.Add(dispatched.Count, telemetry.AgentTag);
        }
        else
        {
            logger.NoReadyRuns();
        }

        activity?.SetTag(AgentInstruments.FlowRunsFound, dispatched.Count);
        return (dispatched.Count, page.MayHaveMore);
    }

    // The original waited for serialized_state.start_time of a Scheduled run, and deployed anything else at once.
    private static DateTimeOffset StartTime(FlowRun run, DateTimeOffset now) =>
        run.SerializedState?["start_time"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && DateTimeOffset.TryParse(run.SerializedState["start_time"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : now;

    /// <summary>Waits out the interval, or until poked, or until at least <paramref name="wakeAtFreeSlots"/> slots are free (0: not).</summary>
    private async Task WaitAsync(TimeSpan interval, int wakeAtFreeSlots, CancellationToken stopping)
    {
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var delay = Task.Delay(interval, timeProvider, delayCancellation.Token);
        Task woken;
        while (true)
        {
            var poked = wake.WhenSet;
            var freed = tracker.SlotFreed.WhenSet;
#pragma warning disable VSTHRD003 // Signals completed by the agent itself (poke, freed slot), never by a foreign context.
            woken = wakeAtFreeSlots > 0
                ? await Task.WhenAny(delay, poked, freed).ConfigureAwait(false)
                : await Task.WhenAny(delay, poked).ConfigureAwait(false);
#pragma warning restore VSTHRD003
            if (woken != freed)
            {
                break;
            }

            // Reset before counting: a slot freed after the count sets the signal again.
            tracker.SlotFreed.Reset();
            if (tracker.FreeSlots >= wakeAtFreeSlots || tracker.Count == 0)
            {
                break;
            }
        }

        // Release the timer when something other than the delay woke the loop.
        if (woken != delay)
        {
            await delayCancellation.CancelAsync().ConfigureAwait(false);
        }
    }
}
