using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Polling;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Polling;

/// <summary>
/// A run waiting for its task definition (a registration held back by the register bucket) gives its slot to runs that
/// can launch, as one of the places ahead of the slots, so the claims still never exceed the slots plus one page.
/// </summary>
public sealed class DeploymentTrackerDefinitionWaitTests
{
    [Fact]
    public async Task DefinitionWait_GivesTheSlotToARunThatCanLaunch_ThenWaitsForASlotLikeARunClaimedAhead()
    {
        using var tracker = new DeploymentTracker(1, new FakeTimeProvider(), NullLogger.Instance);
        var definition = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLaunching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstLaunched = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        tracker.TryDispatch(FlowRuns.Create("run-1"), TimeSpan.Zero, async (run, ct) =>
        {
            firstLaunched.SetResult(await tracker.WaitWithoutSlotAsync(run.Id, () => definition.Task, ct));
        }, CancellationToken.None, CancellationToken.None);

        // Its slot is free and its place ahead taken: one more run may be claimed, not two.
        await Eventually.TrueAsync(() => tracker.FreeSlots == 1, "run-1 gave its slot back");
        Assert.Equal(1, tracker.ClaimCapacity);
        Assert.True(tracker.Contains("run-1"));

        Assert.True(tracker.TryDispatch(FlowRuns.Create("run-2"), TimeSpan.Zero, async (_, _) =>
        {
            secondLaunching.SetResult();
            await releaseSecond.Task;
        }, CancellationToken.None, CancellationToken.None));
        await secondLaunching.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, tracker.ClaimCapacity);

        // The definition is there, but run-1 launches only in a slot.
        definition.SetResult("prefect-task-1:1");
        Assert.False(firstLaunched.Task.IsCompleted);
        Assert.Equal(0, tracker.FreeSlots);

        releaseSecond.SetResult();
        Assert.Equal("prefect-task-1:1", await firstLaunched.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.WhenAll(tracker.PendingTasks()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, tracker.FreeSlots);
        Assert.Equal(2, tracker.ClaimCapacity);
    }

    [Fact]
    public async Task DefinitionWaits_MoreThanThePlacesAhead_FreeTheirSlots_ButNothingMoreMayBeClaimed()
    {
        using var tracker = new DeploymentTracker(1, new FakeTimeProvider(), NullLogger.Instance);
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        tracker.TryDispatch(FlowRuns.Create("run-1"), TimeSpan.Zero, (run, ct) => tracker.WaitWithoutSlotAsync(run.Id, () => first.Task, ct), CancellationToken.None, CancellationToken.None);
        await Eventually.TrueAsync(() => tracker.FreeSlots == 1, "run-1 gave its slot back");
        Assert.True(tracker.TryDispatch(FlowRuns.Create("run-2"), TimeSpan.Zero, (run, ct) => tracker.WaitWithoutSlotAsync(run.Id, () => second.Task, ct), CancellationToken.None, CancellationToken.None));
        await Eventually.TrueAsync(() => tracker.FreeSlots == 1, "run-2 gave its slot back");

        // Two runs claimed and waiting, one slot and one place ahead: the slot is free, but nothing more may be claimed.
        Assert.Equal(0, tracker.ClaimCapacity);

        second.SetResult("b");
        first.SetResult("a");
        await Task.WhenAll(tracker.PendingTasks()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, tracker.FreeSlots);
        Assert.Equal(2, tracker.ClaimCapacity);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public async Task DefinitionWait_StepFails_TheRunHoldsItsSlotAgain_AndGetsTheError()
    {
        using var tracker = new DeploymentTracker(2, new FakeTimeProvider(), NullLogger.Instance);
        var definition = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcome = new TaskCompletionSource<(Exception? Error, int FreeSlots)>(TaskCreationOptions.RunContinuationsAsynchronously);

        tracker.TryDispatch(FlowRuns.Create("run-1"), TimeSpan.Zero, async (run, ct) =>
        {
            try
            {
                await tracker.WaitWithoutSlotAsync(run.Id, () => definition.Task, ct);
                outcome.SetResult((null, tracker.FreeSlots));
            }
            catch (InvalidOperationException e)
            {
                outcome.SetResult((e, tracker.FreeSlots));
            }
        }, CancellationToken.None, CancellationToken.None);
        await Eventually.TrueAsync(() => tracker.FreeSlots == 2, "run-1 gave its slot back");

        definition.SetException(new InvalidOperationException("registration refused"));

        var (error, freeSlots) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("registration refused", error?.Message);
        Assert.Equal(1, freeSlots);
        await Task.WhenAll(tracker.PendingTasks()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, tracker.FreeSlots);
    }
}
