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
    private readonly Func<FlowRun, FlowRunClaimAttempt?, CancellationToken, Task> deploy;
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
        Func<FlowRun, FlowRunClaimAttempt?, CancellationToken, Task> deploy,
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

        // With every slot and every place ahead of them taken there is a backlog: polling for each place that frees would
        // cost a poll and a claim call per run (at a 20 launches/s quota, 20 polls a second). The loop refills a page at
        // a time instead (Prefect Server returns at most 25 ids), or half the slots when there are fewer, or after the
        // back-off interval.
        refillAt = Math.Clamp(options.MaxConcurrentDeployments / 2, 1, FlowRunQuery.ServerPageSize);
    }

    /// <summary>Polls until <c>MaxPolls</c> polls are done or <paramref name="stopping"/> is cancelled.</summary>
    /// <param name="stopping">Stops the loop.</param>
    /// <param name="deployments">Cancels claimed deployments (drain timeout).</param>
    /// <returns>A task that completes when the loop stopped; faults with a fatal exception.</returns>
    /// <remarks>
    /// A pipeline, not a loop of round trips (issue 15): the runs of a page that are due take their slots and are
    /// claimed together, in one exchange that also polls for the next page when more runs may wait; while that page
    /// is read, the claimed runs are already being launched. A run is claimed only with a slot of its own, so the
    /// claims never exceed the free slots and a claimed run never waits for one.
    /// </remarks>
    public async Task RunAsync(CancellationToken stopping, CancellationToken deployments)
    {
        var backoff = new BackoffSchedule(options.PollIntervals);
        var polls = 0;
        FlowRunPage? fetched = null;
        while (!stopping.IsCancellationRequested && (fetched is not null || options.MaxPolls is not { } max || polls < max))
        {
            wake.Reset();
            tracker.SlotFreed.Reset();
            var page = fetched;
            fetched = null;
            if (page is null)
            {
                if (tracker.ClaimCapacity == 0)
                {
                    logger.SlotsFull(options.MaxConcurrentDeployments);
                    await WaitAsync(backoff.Current, refillAt, stopping).ConfigureAwait(false);
                    continue;
                }

                page = await PollOnceAsync(stopping).ConfigureAwait(false);
                polls++;
            }

            var (found, claiming) = Dispatch(page, stopping, deployments);
            var mayHaveMore = page?.MayHaveMore ?? false;
            backoff.Record(found > 0);

            // Nothing new while deployments are in flight is not an idle queue: the backend keeps answering with the
            // runs being claimed (a full page of them hides the next ones), so the wait also ends as soon as one
            // finishes (sleeping out the back-off cost ~0.45 s per page of 25 runs; benchmarks/README.md).
            var waitingForInFlight = found == 0 && tracker.Count > 0;
            if (claiming.Count > 0)
            {
                // Deliberately unlike the original, which slept once more after its last poll (max_polls=8 idle took
                // ~46 s): the last poll's runs are claimed without another poll.
                var lastPoll = options.MaxPolls is { } most && polls >= most;
                // The next page's size is decided when it arrives: the deployments in flight go on finishing meanwhile.
                var next = !lastPoll && mayHaveMore && !stopping.IsCancellationRequested ? Query(sizedOnArrival: true) : null;
                try
                {
                    // Not cancelled by the stop: the drain waits for the claimed runs (they are in flight, reserved).
                    fetched = await ClaimThenPollAsync(claiming, next, deployments).WaitAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }

                if (next is not null)
                {
                    polls++;
                    mayHaveMore &= fetched is not null;
                }
            }

            if (options.MaxPolls is { } limit && polls >= limit && fetched is null)
            {
                logger.MaxPollsReached(limit);
                break;
            }

            if (fetched is not null || (found > 0 && mayHaveMore && tracker.ClaimCapacity > 0))
            {
                continue;
            }

            var wakeAtFreeSlots = tracker.ClaimCapacity == 0 ? refillAt : waitingForInFlight ? 1 : 0;
            logger.Sleeping(backoff.Current.TotalSeconds);
            await WaitAsync(backoff.Current, wakeAtFreeSlots, stopping).ConfigureAwait(false);
        }
    }

    private FlowRunQuery Query(bool sizedOnArrival = false) => new()
    {
        Labels = options.Labels.ToArray(),
        Exclude = tracker.InFlightIds,
        MaxRuns = tracker.ClaimCapacity,
        MaxRunsOnArrival = sizedOnArrival ? () => tracker.ClaimCapacity : null,
    };

    /// <summary>Polls once; <see langword="null"/> when the poll failed (logged).</summary>
    private async Task<FlowRunPage?> PollOnceAsync(CancellationToken stopping)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity(AgentInstruments.PollActivity);
        var started = timeProvider.GetTimestamp();
        try
        {
            var page = await source.GetReadyFlowRunsAsync(Query(), stopping).ConfigureAwait(false);
            RecordPoll(started, error: null, activity);
            return page;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stopping.IsCancellationRequested) && !AgentErrors.IsFatal(ex))
        {
            RecordPoll(started, ex, activity);
            return null;
        }
    }

    private void RecordPoll(long started, Exception? error, System.Diagnostics.Activity? activity)
    {
        if (error is not null)
        {
            logger.PollFailed(error);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.GetType().Name);
        }

        status.RecordPoll(succeeded: error is null, timeProvider.GetUtcNow());
        telemetry.PollDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, telemetry.AgentTag, telemetry.Outcome(error is null ? "ok" : "error"));
    }

    /// <summary>
    /// Hands out a page: runs due now take a free slot each and are returned to be claimed together; runs due later
    /// (or finding no free slot) are dispatched to wait for their time and a slot unclaimed, and claim themselves.
    /// </summary>
    private (int Found, List<FlowRun> Claiming) Dispatch(FlowRunPage? page, CancellationToken stopping, CancellationToken deployments)
    {
        var claiming = new List<FlowRun>();
        if (page is null)
        {
            return (0, claiming);
        }

        var now = timeProvider.GetUtcNow();
        var dispatched = new List<string>();
        foreach (var run in page.Runs)
        {
            logger.SubmittingRun(run.Id);
            var delay = StartTime(run, now) - now;
            if (delay <= TimeSpan.Zero && tracker.TryReserve(run, deployments))
            {
                claiming.Add(run);
                dispatched.Add(run.Id);
            }
            else if (tracker.TryDispatch(run, delay, (r, ct) => deploy(r, null, ct), stopping, deployments))
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

        System.Diagnostics.Activity.Current?.SetTag(AgentInstruments.FlowRunsFound, dispatched.Count);
        return (dispatched.Count, claiming);
    }

    /// <summary>
    /// Claims the reserved runs together (with the next poll when <paramref name="next"/> is set) and starts the
    /// deployment of each in its place; a run the exchange could not claim gives its place back and is reported as
    /// skipped or not claimed.
    /// </summary>
    /// <returns>The next page; <see langword="null"/> when none was asked for or the poll failed (logged).</returns>
    private async Task<FlowRunPage?> ClaimThenPollAsync(List<FlowRun> runs, FlowRunQuery? next, CancellationToken deployments)
    {
        using var activity = next is null ? null : AgentTelemetry.ActivitySource.StartActivity(AgentInstruments.PollActivity);
        var started = timeProvider.GetTimestamp();
        foreach (var run in runs)
        {
            logger.UpdatingToSubmitted(run.Id);
        }

        FlowRunClaimExchange exchange;
        try
        {
            exchange = source is IClaimingFlowRunSource claiming
                ? await claiming.ClaimThenPollAsync(runs, next, deployments).ConfigureAwait(false)
                : await ClaimThenPollInTurnAsync(runs, next, deployments).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Cancelled by the drain timeout, or fatal: the runs are not deployed by this agent; a claim that the
            // backend applied leaves its run Submitted, for the reconciler of the next start.
            foreach (var run in runs)
            {
                tracker.CancelReserved(run.Id);
            }

            if (ex is OperationCanceledException && deployments.IsCancellationRequested)
            {
                return null;
            }

            throw;
        }

        for (var i = 0; i < runs.Count; i++)
        {
            var claim = exchange.Claims[i];
            if (claim.Error is null && claim.Claim.IsClaimed)
            {
                tracker.StartReserved(runs[i].Id, (run, ct) => deploy(run, claim, ct));
            }
            else
            {
                // Not this agent's: its place is given back at once (the run is reported skipped or not claimed, with
                // no call; one still Scheduled comes back with a later poll).
                tracker.CancelReserved(runs[i].Id);
                await deploy(runs[i], claim, deployments).ConfigureAwait(false);
            }
        }

        if (next is null)
        {
            return null;
        }

        RecordPoll(started, exchange.PollError, activity);
        return exchange.PollError is null ? exchange.Next : null;
    }

    /// <summary>The exchange for any <see cref="IFlowRunSource"/>: the claims (concurrently), then the poll.</summary>
    private async Task<FlowRunClaimExchange> ClaimThenPollInTurnAsync(List<FlowRun> runs, FlowRunQuery? next, CancellationToken cancellationToken)
    {
        var claims = await Task.WhenAll(runs.Select(async run =>
        {
            try
            {
                return new FlowRunClaimAttempt(await source.MarkSubmittedAsync(run, cancellationToken).ConfigureAwait(false), null);
            }
            catch (Exception ex) when (!AgentErrors.IsFatal(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                return new FlowRunClaimAttempt(default, ex);
            }
        })).ConfigureAwait(false);
        if (next is null)
        {
            return new FlowRunClaimExchange { Claims = claims };
        }

        try
        {
            return new FlowRunClaimExchange { Claims = claims, Next = await source.GetReadyFlowRunsAsync(next, cancellationToken).ConfigureAwait(false) };
        }
        catch (Exception ex) when (!AgentErrors.IsFatal(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return new FlowRunClaimExchange { Claims = claims, PollError = ex };
        }
    }

    // The original waited for serialized_state.start_time of a Scheduled run, and deployed anything else at once.
    private static DateTimeOffset StartTime(FlowRun run, DateTimeOffset now) =>
        run.SerializedState?["start_time"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && DateTimeOffset.TryParse(run.SerializedState["start_time"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : now;

    /// <summary>
    /// Waits out the interval, or until poked, or until at least <paramref name="wakeAtFreeSlots"/> runs may be claimed
    /// (free slots and places ahead of them; 0: not).
    /// </summary>
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
            if (tracker.ClaimCapacity >= wakeAtFreeSlots || tracker.Count == 0)
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
