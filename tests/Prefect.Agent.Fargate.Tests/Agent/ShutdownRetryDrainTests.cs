using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Agent;

/// <summary>Issue 11, item 6: runs waiting for a deployment retry at shutdown, on the fake clock.</summary>
public sealed class ShutdownRetryDrainTests
{
    [Fact]
    public async Task Shutdown_RunWaitingForRetry_IsDrained_AndItsRetryLaunchesIt()
    {
        var (harness, logs) = Harness(TimeSpan.FromSeconds(2));
        var attempts = 0;
        harness.Launcher.OnRunTask = (request, _) => Interlocked.Increment(ref attempts) == 1
            ? throw Throttled()
            : Task.FromResult(new TaskLaunchResult { TaskArn = FakeTaskLauncher.Arn(request.FlowRunId) });
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 1; // one poll, then the drain
            o.ShutdownDrainTimeout = TimeSpan.FromSeconds(30);
        });

        var run = agent.StartAsync();

        // The retry's back-off (1-2 s) and the drain's 30 s are both armed: the retry falls within the drain.
        await WaitForTimersAsync(harness.Time, t => t > TimeSpan.Zero && t <= TimeSpan.FromSeconds(2), t => t == TimeSpan.FromSeconds(30));
        Assert.False(run.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, harness.Launcher.Requests.Count);
        Assert.Empty(harness.Source.Failed);
        Assert.Contains(harness.Source.Logs, l => l.FlowRunId == "run-1" && l.Message == "Submitted for execution: Task ARN: " + FakeTaskLauncher.Arn("run-1"));
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Id.Name == "LeftWaitingForRetry" || r.Id.Name == "DrainTimedOut");
    }

    [Fact]
    public async Task Shutdown_DrainEndsWhileARunWaitsForRetry_WarnsByRunId_AndTheRunStaysSubmitted()
    {
        var (harness, logs) = Harness(TimeSpan.FromSeconds(60));
        harness.Launcher.OnRunTask = (request, _) => request.FlowRunId == "run-waiting"
            ? throw Throttled()
            : Task.FromResult(new TaskLaunchResult { TaskArn = FakeTaskLauncher.Arn(request.FlowRunId) });
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-waiting"), FlowRuns.Create("run-launched")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 1;
            o.ShutdownDrainTimeout = TimeSpan.FromSeconds(5);
        });

        var run = agent.StartAsync();

        // The retry's back-off (30-60 s) outlasts the drain (5 s).
        await WaitForTimersAsync(harness.Time, t => t >= TimeSpan.FromSeconds(30) && t <= TimeSpan.FromSeconds(60), t => t == TimeSpan.FromSeconds(5));
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Name == "LeftWaitingForRetry");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(57, warning.Id.Id);
        Assert.Equal("run-waiting", warning.GetStructuredStateValue("FlowRunId"));
        Assert.Contains("run-waiting", warning.Message, StringComparison.Ordinal);

        // Not Failed, not retried after the drain: it stays Submitted for a later start to pick up.
        Assert.Empty(harness.Source.Failed);
        Assert.Single(harness.Launcher.Requests, r => r.FlowRunId == "run-waiting");
        Assert.Single(harness.Launcher.Requests, r => r.FlowRunId == "run-launched");
        Assert.Equal(0, agent.Status.Snapshot().InFlight);
    }

    private static (AgentHarness Harness, FakeLoggerProvider Logs) Harness(TimeSpan retryDelay)
    {
        var logs = new FakeLoggerProvider();
        var harness = new AgentHarness
        {
            DeploymentRetryDelays = (retryDelay, retryDelay),
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)),
        };
        return (harness, logs);
    }

    private static DeploymentStepException Throttled() =>
        new("ecs RunTask failed: ThrottlingException: Rate exceeded", DeploymentFaultKind.Transient, "ThrottlingException");

    // Reads the timers the agent arms until one of each kind was seen (others, e.g. log flushes, are skipped).
    private static async Task WaitForTimersAsync(RecordingTimeProvider time, Func<TimeSpan, bool> first, Func<TimeSpan, bool> second)
    {
        bool seenFirst = false, seenSecond = false;
        while (!(seenFirst && seenSecond))
        {
            var timer = await time.NextTimerAsync();
            seenFirst |= first(timer);
            seenSecond |= second(timer);
        }
    }
}
