using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Polling;

public sealed class PollLoopTests
{
    private static readonly TimeSpan Quarter = TimeSpan.FromSeconds(0.25);

    [Fact]
    public async Task StartAsync_IdleWithMaxPolls_BacksOffLikeTheOriginalAndDoesNotSleepAfterTheLastPoll()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create(o => o.MaxPolls = 8);

        var run = agent.StartAsync();
        var waits = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var due = await harness.Time.NextTimerAsync();
            waits.Add(due.TotalSeconds);
            harness.Time.Advance(due);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0.5, 1, 2, 4, 8, 10, 10], waits);
        Assert.Equal(8, harness.Source.PollCount);
    }

    [Fact]
    public async Task StartAsync_WorkFound_ResetsTheBackOffToTheFirstInterval()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (n, _) => n == 3 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o => o.MaxPolls = 5);

        var run = agent.StartAsync();
        var waits = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            var due = await harness.Time.NextTimerAsync();
            waits.Add(due.TotalSeconds);
            harness.Time.Advance(due);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0.5, 1, 0.25, 0.5], waits);
        Assert.Single(harness.Launcher.Requests);
    }

    [Fact]
    public async Task StartAsync_MaxPolls_PollsExactlyThatManyTimes()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (_, _) => new FlowRunPage { Runs = [FlowRuns.Create("run-" + Guid.NewGuid())] };
        await using var agent = harness.Create(o => o.MaxPolls = 3);

        var run = agent.StartAsync();
        await harness.Time.WaitForTimerAsync(Quarter);
        harness.Time.Advance(Quarter);
        await harness.Time.WaitForTimerAsync(Quarter);
        harness.Time.Advance(Quarter);

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, harness.Source.PollCount);
        Assert.Equal(3, harness.Launcher.Requests.Count);
    }

    [Fact]
    public async Task StartAsync_MaxPollsZero_RegistersButNeverPolls()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create(o => o.MaxPolls = 0);

        await agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(harness.Source.Registration);
        Assert.Equal(0, harness.Source.PollCount);
    }

    [Fact]
    public async Task Poke_WhileSleeping_PollsAtOnce()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create(o => o.MaxPolls = 2);
        var before = harness.Time.GetUtcNow();

        var run = agent.StartAsync();
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(0.5));
        agent.Poke();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, harness.Source.PollCount);
        Assert.Equal(before, harness.Time.GetUtcNow());
    }

    [Fact]
    public async Task StartAsync_TokenCancelled_CompletesWithoutError()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();
        using var cts = new CancellationTokenSource();

        var run = agent.StartAsync(cts.Token);
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(0.5));
        await cts.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal(1, harness.Source.PollCount);
    }

    [Fact]
    public async Task StartAsync_PageFullAndSlotsFree_PollsAgainWithoutSleeping()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (n, _) => n switch
        {
            1 => new FlowRunPage { Runs = [FlowRuns.Create("run-1")], MayHaveMore = true },
            2 => new FlowRunPage { Runs = [FlowRuns.Create("run-2")] },
            _ => FlowRunPage.Empty,
        };
        await using var agent = harness.Create(o => o.MaxPolls = 3);

        var run = agent.StartAsync();
        var firstWait = await harness.Time.NextTimerAsync();

        Assert.Equal(Quarter, firstWait);
        Assert.Equal(2, harness.Source.PollCount);
        harness.Time.Advance(firstWait);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, harness.Source.PollCount);
    }

    [Fact]
    public async Task StartAsync_SubmittedLogLinePending_FreesTheSlotForTheNextRun()
    {
        var harness = new AgentHarness();
        var logsWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Source.OnWriteLog = (_, ct) => logsWritten.Task.WaitAsync(ct);
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1"), FlowRuns.Create("run-2")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 1;
            o.MaxConcurrentDeployments = 1;
        });

        var run = agent.StartAsync();
        try
        {
            // One slot: the second run is launched only if the first gave its slot back before its line was written.
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 2, "both runs are launched while the first line is pending");
            Assert.Empty(harness.Source.Logs);
        }
        finally
        {
            logsWritten.TrySetResult();
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["run-1", "run-2"], harness.Source.Logs.Select(l => l.FlowRunId).Order());
    }

    [Fact]
    public async Task StartAsync_StoppingWithASubmittedLogLinePending_DrainWaitsForTheLine()
    {
        var logs = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        var harness = new AgentHarness { LoggerFactory = factory };
        harness.Source.OnWriteLog = (_, ct) => Task.Delay(TimeSpan.FromSeconds(1), harness.Time, ct);
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o => o.MaxPolls = 1);

        var run = agent.StartAsync();
        var lineTimer = harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => logs.GetSnapshot().Any(r => r.Id.Name == "Draining"), "the agent drains");
        await lineTimer.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(run.IsCompleted, "the agent stopped before the Submitted line was written");
        Assert.Empty(harness.Source.Logs);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("run-1", Assert.Single(harness.Source.Logs).FlowRunId);
    }

    [Fact]
    public async Task StartAsync_SlowDeploymentAndTheSameRunEveryPoll_SubmitsItOnce()
    {
        var harness = new AgentHarness();
        var release = new TaskCompletionSource<TaskLaunchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Launcher.OnRunTask = (_, _) => release.Task;
        harness.Source.OnPoll = (_, _) => new FlowRunPage { Runs = [FlowRuns.Create("run-1")] };
        await using var agent = harness.Create(o => o.MaxPolls = 4);

        var run = agent.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 1, "the first deployment is launching");
            for (var i = 0; i < 3; i++)
            {
                var due = await harness.Time.NextTimerAsync();
                harness.Time.Advance(due);
            }

            await Eventually.TrueAsync(() => harness.Source.PollCount == 4, "all polls are done");
        }
        finally
        {
            release.TrySetResult(new TaskLaunchResult { TaskArn = "arn:task" });
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["run-1"], harness.Source.Submitted);
        Assert.All(harness.Source.Queries.Skip(1), q => Assert.Contains("run-1", q.Exclude));
    }

    [Fact]
    public async Task StartAsync_APollThrows_IsLoggedAndSurvived()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (n, _) => n == 1
            ? throw new HttpRequestException("backend unavailable")
            : new FlowRunPage { Runs = [FlowRuns.Create("run-1")] };
        await using var agent = harness.Create(o => o.MaxPolls = 2);

        var run = agent.StartAsync();
        var due = await harness.Time.NextTimerAsync();
        harness.Time.Advance(due);

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(0.5), due);
        Assert.Single(harness.Launcher.Requests);
        Assert.Equal(0, agent.Status.Snapshot().ConsecutiveFailedPolls);
    }

    [Fact]
    public async Task StartAsync_FatalPollError_StopsTheAgentWithIt()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (_, _) => throw new PrefectAuthenticationException("The API key was refused.");
        await using var agent = harness.Create();

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("The API key was refused.", ex.Message);
        Assert.Equal(1, harness.Source.PollCount);
    }

    [Fact]
    public async Task StartAsync_ScheduledInTheFuture_WaitsWithoutHoldingASlot()
    {
        var harness = new AgentHarness();
        var later = harness.Time.GetUtcNow().AddSeconds(10);
        harness.Source.OnPoll = (n, _) => n == 1
            ? new FlowRunPage { Runs = [FlowRuns.Create("later", startTime: later), FlowRuns.Create("now")] }
            : FlowRunPage.Empty;
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 1;
            o.MaxConcurrentDeployments = 1;
        });

        var run = agent.StartAsync();
        await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 1, "the due run is deployed");
        Assert.Equal("now", Assert.Single(harness.Launcher.Requests).FlowRunId);
        Assert.Equal(["now"], harness.Source.Submitted);

        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["now", "later"], harness.Launcher.Requests.Select(r => r.FlowRunId));
    }

    [Fact]
    public async Task StartAsync_SlotsBusy_AsksOnlyForFreeSlotsAndThePlacesAheadOfThem()
    {
        var harness = new AgentHarness();
        var release = new TaskCompletionSource<TaskLaunchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Launcher.OnRunTask = (r, _) => r.FlowRunId == "run-1" ? release.Task : Task.FromResult(new TaskLaunchResult { TaskArn = "arn:2" });
        harness.Source.OnPoll = (n, _) => n switch
        {
            1 => new FlowRunPage { Runs = [FlowRuns.Create("run-1"), FlowRuns.Create("run-2")] },
            2 => new FlowRunPage { Runs = [FlowRuns.Create("run-3")] },
            _ => FlowRunPage.Empty,
        };
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 2;
            o.MaxConcurrentDeployments = 2;
        });

        var run = agent.StartAsync();
        try
        {
            // run-2's freed slot may wake the loop before the sleep ends: either way the second poll comes.
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count >= 2, "both runs launch");
            var due = await harness.Time.NextTimerAsync();
            harness.Time.Advance(due);
            await Eventually.TrueAsync(() => harness.Source.PollCount == 2, "the second poll ran after run-2 freed its slot");
        }
        finally
        {
            release.TrySetResult(new TaskLaunchResult { TaskArn = "arn:1" });
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));

        // Two slots and two places ahead of them (one page, at most as many as the slots); then run-1 holds its slot.
        Assert.Equal(4, harness.Source.Queries[0].MaxRuns);
        Assert.Equal(3, harness.Source.Queries[1].MaxRuns);
        Assert.Equal(["run-1"], harness.Source.Queries[1].Exclude);
    }

    [Fact]
    public async Task StartAsync_AllSlotsAndPlacesTakenAndOneFrees_WaitsForHalfTheSlotsBeforePollingAgain()
    {
        var harness = new AgentHarness();
        var releases = Enumerable.Range(1, 8).ToDictionary(i => "run-" + i, _ => new TaskCompletionSource<TaskLaunchResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        harness.Launcher.OnRunTask = (r, _) => releases[r.FlowRunId].Task;
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [.. releases.Keys.Select(id => FlowRuns.Create(id))] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 2;
            o.MaxConcurrentDeployments = 4;
        });

        var run = agent.StartAsync();
        try
        {
            // Four runs in the slots, four claimed ahead of them: nothing more may be claimed.
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 4 && harness.Source.Submitted.Count == 8, "all four slots and four places are taken");
            releases["run-1"].SetResult(new TaskLaunchResult { TaskArn = "arn:1" });
            await Eventually.TrueAsync(() => harness.Source.Logs.Count == 1 && harness.Launcher.Requests.Count == 5, "run-1 is done and run-5 has its slot");

            // A backlog fills every slot: one freed place is not worth a poll; two (half of four) are.
            Assert.Equal(1, harness.Source.PollCount);
            releases["run-2"].SetResult(new TaskLaunchResult { TaskArn = "arn:2" });
            await Eventually.TrueAsync(() => harness.Source.PollCount == 2, "the second poll follows the second freed place");
        }
        finally
        {
            foreach (var release in releases.Values)
            {
                release.TrySetResult(new TaskLaunchResult { TaskArn = "arn:x" });
            }
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, harness.Source.Queries[1].MaxRuns);
    }
}
