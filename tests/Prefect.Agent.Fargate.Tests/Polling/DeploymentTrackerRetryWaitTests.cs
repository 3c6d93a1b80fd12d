using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Polling;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Polling;

public sealed class DeploymentTrackerRetryWaitTests
{
    [Fact]
    public async Task WaitWithoutSlot_GivesTheSlotToAnotherRun_AndTakesItBackBeforeTheRetry()
    {
        var time = new FakeTimeProvider();
        using var tracker = new DeploymentTracker(1, time, NullLogger.Instance);
        var secondDeployed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstRetried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        tracker.TryDispatch(FlowRuns.Create("run-1"), TimeSpan.Zero, async (run, ct) =>
        {
            await tracker.WaitWithoutSlotAsync(run.Id, TimeSpan.FromSeconds(4), ct);
            firstRetried.SetResult();
        }, CancellationToken.None, CancellationToken.None);

        // While run-1 waits for its retry its slot is free, and it is still in flight (never polled again).
        await Eventually.TrueAsync(() => tracker.FreeSlots == 1, "run-1 gave its slot back");
        Assert.True(tracker.Contains("run-1"));

        Assert.True(tracker.TryDispatch(FlowRuns.Create("run-2"), TimeSpan.Zero, async (_, _) =>
        {
            secondDeployed.SetResult();
            await releaseSecond.Task;
        }, CancellationToken.None, CancellationToken.None));
        await secondDeployed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, tracker.FreeSlots);

        // The back-off is over, but the retry waits for a slot: at most one deployment runs at a time.
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(firstRetried.Task.IsCompleted);
        Assert.Equal(0, tracker.FreeSlots);

        releaseSecond.SetResult();
        await firstRetried.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.WhenAll(tracker.PendingTasks()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, tracker.FreeSlots);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public async Task WaitWithoutSlot_CancelledByTheDrainTimeout_ReleasesNoSlotTwice()
    {
        var time = new FakeTimeProvider();
        using var tracker = new DeploymentTracker(2, time, NullLogger.Instance);
        using var drain = new CancellationTokenSource();

        tracker.TryDispatch(FlowRuns.Create("run-1"), TimeSpan.Zero, (run, ct) => tracker.WaitWithoutSlotAsync(run.Id, TimeSpan.FromMinutes(5), ct), CancellationToken.None, drain.Token);
        await Eventually.TrueAsync(() => tracker.FreeSlots == 2, "run-1 gave its slot back");

        await drain.CancelAsync();
        await Task.WhenAll(tracker.PendingTasks()).WaitAsync(TimeSpan.FromSeconds(10));

        // The run left with its slot already given back: the semaphore is not released past its capacity.
        Assert.Equal(2, tracker.FreeSlots);
        Assert.Equal(0, tracker.Count);
    }
}
