using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Polling;

/// <summary>
/// In-flight runs and deployment slots. A run's id enters the in-flight set BEFORE its task starts and leaves it in
/// the task's <c>finally</c>, so a run is never submitted twice by one agent (the original's done-callback race, item
/// 21). Runs waiting for their start time are in flight but hold no slot (item 24: they do not block other runs).
/// A deployment's trailing work (its Submitted log line, written in a batch up to a flush interval later) is tracked
/// apart: it holds no slot, and the drain still waits for it.
/// </summary>
internal sealed class DeploymentTracker : IDisposable
{
    private readonly ConcurrentDictionary<string, Task> inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> trailing = new();
    private readonly ConcurrentDictionary<string, SlotLease> leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> waitingForRetry = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Func<FlowRun, CancellationToken, Task>?>> reserved = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim slots;
    private int waitingForSlot;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    public DeploymentTracker(int maxConcurrentDeployments, TimeProvider timeProvider, ILogger logger)
    {
        slots = new SemaphoreSlim(maxConcurrentDeployments, maxConcurrentDeployments);
        LookAhead = Math.Min(maxConcurrentDeployments, FlowRunQuery.ServerPageSize);
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>Gets the signal set whenever a deployment leaves or a run claimed ahead takes its slot (more runs may be claimed).</summary>
    public WakeSignal SlotFreed { get; } = new();

    public int FreeSlots => slots.CurrentCount;

    /// <summary>Gets how many runs may be claimed ahead of the slots: one page of the queue, at most as many as the slots.</summary>
    public int LookAhead { get; }

    /// <summary>
    /// Gets how many more runs may be claimed now: the free slots and the free places ahead of them, so that the runs
    /// claimed and not yet launched (in a slot, or waiting for one) never exceed the slots plus <see cref="LookAhead"/>.
    /// </summary>
    public int ClaimCapacity => Math.Max(0, FreeSlots + LookAhead - Volatile.Read(ref waitingForSlot));

    public int Count => inFlight.Count;

    public IReadOnlyCollection<string> InFlightIds => inFlight.Keys.ToArray();

    /// <summary>Gets the runs in flight that wait for a deployment retry (their back-off, or a slot to retry in).</summary>
    public IReadOnlyCollection<string> WaitingForRetryIds => waitingForRetry.Keys.Order(StringComparer.Ordinal).ToArray();

    public bool Contains(string flowRunId) => inFlight.ContainsKey(flowRunId);

    /// <summary>Gets the deployments in flight and the trailing work still running.</summary>
    /// <returns>Tasks that never fault.</returns>
    public Task[] PendingTasks() => [.. inFlight.Values, .. trailing.Keys];

    /// <summary>Tracks work a deployment left running after its slot was freed, until it completes.</summary>
    /// <param name="work">The work; it must not fault (it logs its own errors).</param>
    public void TrackTrailing(Task work)
    {
        if (work.IsCompleted)
        {
            return;
        }

        trailing.TryAdd(work, 0);
        _ = work.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), trailing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Starts tracking and deploying a run; does nothing when the run is already in flight.</summary>
    /// <param name="run">The run.</param>
    /// <param name="delay">How long to wait for its start time (no slot is held meanwhile).</param>
    /// <param name="deploy">The deployment.</param>
    /// <param name="stopping">Abandons runs still waiting for their start time or a slot (they are not claimed yet).</param>
    /// <param name="deployments">Cancels claimed deployments (drain timeout).</param>
    /// <returns>Whether the run was new.</returns>
    public bool TryDispatch(
        FlowRun run,
        TimeSpan delay,
        Func<FlowRun, CancellationToken, Task> deploy,
        CancellationToken stopping,
        CancellationToken deployments)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!inFlight.TryAdd(run.Id, gate.Task))
        {
            return false;
        }

        var holdsSlot = delay <= TimeSpan.Zero && slots.Wait(0);

        // The gate keeps the task from finishing (and removing its id) before its entry is in the set.
        inFlight[run.Id] = RunAsync(run, delay, holdsSlot, Task.FromResult<Func<FlowRun, CancellationToken, Task>?>(deploy), gate.Task, stopping, deployments);
        gate.SetResult();
        return true;
    }

    /// <summary>
    /// Reserves a run the poll loop is about to claim with the rest of its page: from now on the run is in flight (left
    /// out of the next poll, waited for by the drain). It takes a free slot, or, when none is free, waits for the next
    /// one as one of at most <see cref="LookAhead"/> runs claimed ahead of the slots: so the claims never exceed the
    /// slots plus one page, and a claimed run waits at most for the launch attempts of the runs ahead of it (a retry's
    /// back-off gives its slot back). <see cref="StartReserved"/> then deploys it, or <see cref="CancelReserved"/> gives
    /// it back.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="deployments">Cancels the deployment once started (drain timeout).</param>
    /// <returns>Whether the run was new and a slot, or a place ahead of the slots, was free.</returns>
    public bool TryReserve(FlowRun run, CancellationToken deployments)
    {
        if (inFlight.ContainsKey(run.Id))
        {
            return false;
        }

        var holdsSlot = slots.Wait(0, CancellationToken.None);
        if (!holdsSlot && Interlocked.Increment(ref waitingForSlot) > LookAhead)
        {
            Interlocked.Decrement(ref waitingForSlot);
            return false;
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!inFlight.TryAdd(run.Id, gate.Task))
        {
            if (holdsSlot)
            {
                slots.Release();
            }
            else
            {
                Interlocked.Decrement(ref waitingForSlot);
            }

            return false;
        }

        var start = new TaskCompletionSource<Func<FlowRun, CancellationToken, Task>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        reserved[run.Id] = start;
        inFlight[run.Id] = RunAsync(run, TimeSpan.Zero, holdsSlot, start.Task, gate.Task, CancellationToken.None, deployments, claimedAhead: !holdsSlot);
        gate.SetResult();
        return true;
    }

    /// <summary>Deploys a run reserved by <see cref="TryReserve"/> in its slot.</summary>
    /// <param name="flowRunId">The run.</param>
    /// <param name="deploy">The deployment.</param>
    public void StartReserved(string flowRunId, Func<FlowRun, CancellationToken, Task> deploy)
    {
        if (reserved.TryRemove(flowRunId, out var start))
        {
            start.SetResult(deploy);
        }
    }

    /// <summary>Gives back the slot and the in-flight entry of a run reserved by <see cref="TryReserve"/> and not deployed.</summary>
    /// <param name="flowRunId">The run.</param>
    public void CancelReserved(string flowRunId)
    {
        if (reserved.TryRemove(flowRunId, out var start))
        {
            start.SetResult(null);
        }
    }

    /// <summary>
    /// Waits out a deployment's retry back-off without its slot: the slot is released for other runs and taken again
    /// (waiting for a free one) before the retry. The run stays in flight meanwhile, so it is never polled or claimed
    /// again. A run that holds no slot here (a direct <c>DeployFlowAsync</c> call) just waits.
    /// </summary>
    /// <param name="flowRunId">The run.</param>
    /// <param name="delay">The back-off.</param>
    /// <param name="cancellationToken">Cancels the wait (the drain timeout).</param>
    /// <returns>A task that completes when the run may retry, holding its slot again.</returns>
    public async Task WaitWithoutSlotAsync(string flowRunId, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!leases.TryGetValue(flowRunId, out var lease) || !lease.Held)
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return;
        }

        waitingForRetry.TryAdd(flowRunId, 0);
        try
        {
            await LendSlotAsync(lease, () => Task.Delay(delay, timeProvider, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            waitingForRetry.TryRemove(flowRunId, out _);
        }
    }

    /// <summary>
    /// Waits for a step that comes before a run's launch, its task definition (a registration held back by the register
    /// bucket, or shared with other runs), without the run's slot: the slot goes to a run that can launch now (one
    /// claimed ahead takes it at once), and this run then waits for a free slot like a run claimed ahead. The runs
    /// claimed and not yet launched stay as many (<see cref="ClaimCapacity"/> counts this run among those waiting for a
    /// slot), so they never exceed the slots plus one page. A run that holds no slot (a direct <c>DeployFlowAsync</c>
    /// call), or a step already done, just waits.
    /// </summary>
    /// <typeparam name="T">The step's result.</typeparam>
    /// <param name="flowRunId">The run.</param>
    /// <param name="start">Starts the step.</param>
    /// <param name="cancellationToken">Cancels the wait for the slot (the drain timeout).</param>
    /// <returns>The step's result, with the run holding its slot again.</returns>
    public async Task<T> WaitWithoutSlotAsync<T>(string flowRunId, Func<Task<T>> start, CancellationToken cancellationToken)
    {
        var step = start();
        if (step.IsCompleted || !leases.TryGetValue(flowRunId, out var lease) || !lease.Held)
        {
            return await step.ConfigureAwait(false);
        }

        Interlocked.Increment(ref waitingForSlot);
        try
        {
            // The step's outcome is the caller's (awaited below), with the slot held again as for a result.
            await LendSlotAsync(lease, async () => await ((Task)step).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref waitingForSlot);
            SlotFreed.Set();
        }

        return await step.ConfigureAwait(false);
    }

    /// <summary>Gives a run's slot to other runs while it waits for something, then waits for a free slot and holds it again.</summary>
    /// <param name="lease">The run's lease, holding its slot.</param>
    /// <param name="waitOutside">What the run waits for without its slot.</param>
    /// <param name="cancellationToken">Cancels the wait for a slot (the drain timeout).</param>
    /// <returns>A task that completes when the run holds a slot again.</returns>
    private async Task LendSlotAsync(SlotLease lease, Func<Task> waitOutside, CancellationToken cancellationToken)
    {
        lease.Held = false;
        slots.Release();
        SlotFreed.Set();
        await waitOutside().ConfigureAwait(false);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        lease.Held = true;
    }

    public void Dispose() => slots.Dispose();

    private async Task RunAsync(
        FlowRun run,
        TimeSpan delay,
        bool holdsSlot,
        Task<Func<FlowRun, CancellationToken, Task>?> started,
        Task gate,
        CancellationToken stopping,
        CancellationToken deployments,
        bool claimedAhead = false)
    {
#pragma warning disable VSTHRD003 // The gate is completed by TryDispatch, never by a foreign context.
        await gate.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        var lease = new SlotLease { Held = holdsSlot };
        var waitingAhead = claimedAhead;
        try
        {
            if (!holdsSlot && delay > TimeSpan.Zero)
            {
                logger.WaitingToDeploy(delay.TotalSeconds, run.Id);
                await Task.Delay(delay, timeProvider, stopping).ConfigureAwait(false);
            }

#pragma warning disable VSTHRD003 // Completed by the tracker itself (TryDispatch, StartReserved, CancelReserved).
            if (await started.ConfigureAwait(false) is not { } deploy)
#pragma warning restore VSTHRD003
            {
                // A reservation given back: the run was never deployed by this agent.
                return;
            }

            if (!holdsSlot)
            {
                // A run claimed ahead waits for the next free slot under the drain's token; an unclaimed one gives up
                // when the agent stops (another agent, or this one after a restart, deploys it).
                await slots.WaitAsync(claimedAhead ? deployments : stopping).ConfigureAwait(false);
                holdsSlot = true;
                lease.Held = true;
                if (waitingAhead)
                {
                    // A place ahead of the slots is free again: the poll loop may be waiting for one.
                    waitingAhead = false;
                    Interlocked.Decrement(ref waitingForSlot);
                    SlotFreed.Set();
                }
            }

            leases[run.Id] = lease;
            await deploy(run, deployments).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deployments.IsCancellationRequested)
        {
            logger.DeploymentCancelled(run.Id);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped while waiting for the start time or a slot: the run was never claimed, so another agent (or
            // this one after a restart) deploys it.
        }
        catch (Exception ex)
        {
            logger.DeploymentCrashed(ex, run.Id);
        }
        finally
        {
            if (waitingAhead)
            {
                Interlocked.Decrement(ref waitingForSlot);
            }

            // The id leaves before the slot does: whoever sees a free slot never sees this run still excluded.
            inFlight.TryRemove(run.Id, out _);
            leases.TryRemove(run.Id, out _);
            // A retry wait may have given the slot back (and, cancelled, not taken it again): release only a held one.
            if (holdsSlot && lease.Held)
            {
                slots.Release();
            }

            SlotFreed.Set();
        }
    }

    /// <summary>Whether a deployment currently holds its slot (a retry wait gives it back for a while).</summary>
    private sealed class SlotLease
    {
        public volatile bool Held;
    }
}
