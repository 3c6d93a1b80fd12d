using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Fakes;
using Prefect.Agent.Fargate.Tests.Integration.Ecs;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// The whole agent after RunTask, against the fake Prefect API and the fake ECS on 127.0.0.1: the task watch reports a
/// task that never starts, leaves a run whose flow started alone, gives up after its timeout, stops the task of a run
/// cancelled before it started, and reads a clientToken conflict as launched.
/// </summary>
public sealed class AgentTaskWatchEndToEndTests
{
    private const string BrokenImage = "registry.example.com/flows/etl:no-such-tag";
    private const string PullError = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/flows/etl:no-such-tag: not found";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task FailedStart_RunMarkedFailedWithEcsReasonAndErrorLog_AtTheFirstCheckAfterTheStop()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.Ecs.AddTaskBehavior(new FakeEcsTaskBehavior
        {
            Image = BrokenImage,
            RunningAfter = TimeSpan.FromDays(1),
            StopAfter = TimeSpan.FromSeconds(1),
            StopCode = "TaskFailedToStart",
            StoppedReason = PullError,
            ContainerReason = PullError,
        });
        var run = e2e.AddRun(image: BrokenImage);

        await using (var agent = await RunningAgent.StartAsync(e2e, WatchOptions(e2e)))
        {
            // The ERROR run log follows the Failed state (run logs are written in batches).
            await Eventually.TrueAsync(() => run.State == "Failed" && e2e.Api.Logs.Any(l => l.FlowRunId == run.Id && l.Level == "ERROR"), "the run is marked Failed and logged");
        }

        var task = Assert.Single(e2e.Ecs.Tasks);
        Assert.Equal(["Submitted", "Failed"], run.States.Select(s => s.Type));
        var message = run.StateMessage!;
        Assert.Contains(task.TaskArn, message, StringComparison.Ordinal);
        Assert.Contains("Stop code: TaskFailedToStart", message, StringComparison.Ordinal);
        Assert.Contains("Stopped reason: " + PullError, message, StringComparison.Ordinal);
        Assert.Contains("reason: " + PullError + ", exit code: (none)", message, StringComparison.Ordinal);
        Assert.Single(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR" && l.Message == message);

        // Within one watch interval: the first check that could see the task STOPPED reported it (at most one DescribeTasks
        // arrived after the stop; one arriving just before it may already see it), and the task was not described again.
        var describes = Describes(e2e, task.TaskArn);
        var failedAt = e2e.Api.Requests.Single(r => r.Operation == "set_flow_run_states" && r.Variables!.Contains("Failed", StringComparison.Ordinal)).ReceivedAt;
        Assert.True(describes.Count(r => r.ReceivedAt >= StoppedAt(task)) <= 1, "a check after the stop did not report it");
        Assert.True(describes.Max(r => r.ReceivedAt) <= failedAt, "the task was described after its run was reported");
        Assert.True(describes.Count > 1, "the task was described while it was provisioning, each interval");
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task RunWentRunning_NeverFailed_EvenWhenItsTaskStopsLater()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.Ecs.AddTaskBehavior(new FakeEcsTaskBehavior
        {
            Image = AgentEndToEnd.Image,
            StopAfter = TimeSpan.FromSeconds(2),
            StopCode = "EssentialContainerExited",
            StoppedReason = "Essential container in task exited",
            ExitCode = 1,
        });
        var run = e2e.AddRun();

        await using (var agent = await RunningAgent.StartAsync(e2e, WatchOptions(e2e)))
        {
            // The flow runner reports Running as soon as the run is Submitted; its task exits (code 1) later.
            await Eventually.TrueAsync(() => run.State == "Submitted", "the run is Submitted");
            e2e.Api.SetFlowRunRunning(run.Id);
            await Eventually.TrueAsync(() => e2e.Ecs.Tasks.SingleOrDefault() is { } t && t.Task["lastStatus"]!.GetValue<string>() == "STOPPED", "the task stops");
            await AgentRanForAsync(e2e, StoppedAt(e2e.Ecs.Tasks.Single()), Interval * 4);
        }

        Assert.Equal("Running", run.State);
        Assert.Equal(["Submitted", "Running"], run.States.Select(s => s.Type));
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR");
        Assert.Contains(e2e.Logs.Collector.GetSnapshot(), r => r.Id.Name == "RunLeftSubmitted" && r.Message.Contains(run.Id, StringComparison.Ordinal));
        Assert.Equal("EssentialContainerExited", e2e.Ecs.Tasks.Single().Task["stopCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaskStillProvisioningPastTheTimeout_DroppedFromTheWatch_RunLeftSubmitted()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();

        // Stuck in PROVISIONING, then failing to start only after the watch gave up on it.
        e2e.Ecs.AddTaskBehavior(new FakeEcsTaskBehavior
        {
            Image = BrokenImage,
            RunningAfter = TimeSpan.FromDays(1),
            StopAfter = TimeSpan.FromSeconds(2.5),
            StopCode = "TaskFailedToStart",
            StoppedReason = PullError,
        });
        var run = e2e.AddRun(image: BrokenImage);
        var options = WatchOptions(e2e);
        options.TaskWatchTimeout = TimeSpan.FromSeconds(1);

        await using (var agent = await RunningAgent.StartAsync(e2e, options))
        {
            await Eventually.TrueAsync(() => e2e.Logs.Collector.GetSnapshot().Any(r => r.Id.Name == "WatchTimedOut"), "the watch gives the task up");
            await Eventually.TrueAsync(() => e2e.Ecs.Tasks.SingleOrDefault() is { } t && t.Task["lastStatus"]!.GetValue<string>() == "STOPPED", "the task stops");
            await AgentRanForAsync(e2e, StoppedAt(e2e.Ecs.Tasks.Single()), Interval * 4);
        }

        var task = e2e.Ecs.Tasks.Single();
        var timedOut = e2e.Logs.Collector.GetSnapshot().Single(r => r.Id.Name == "WatchTimedOut");
        Assert.Contains(run.Id, timedOut.Message, StringComparison.Ordinal);
        Assert.Contains(task.TaskArn, timedOut.Message, StringComparison.Ordinal);
        Assert.Equal("Submitted", run.State);
        Assert.DoesNotContain(Describes(e2e, task.TaskArn), r => r.ReceivedAt > timedOut.Timestamp);
        Assert.NotEmpty(Describes(e2e, task.TaskArn));
    }

    [Theory]
    [InlineData("Cancelling")]
    [InlineData("Cancelled")]
    public async Task RunCancelledBeforeItsFlowStarted_TaskStoppedWithReasonAndInfoLog(string state)
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.Ecs.AddTaskBehavior(new FakeEcsTaskBehavior { Image = AgentEndToEnd.Image, RunningAfter = TimeSpan.FromDays(1) });
        var run = e2e.AddRun();

        await using (var agent = await RunningAgent.StartAsync(e2e, WatchOptions(e2e)))
        {
            await Eventually.TrueAsync(() => run.State == "Submitted" && e2e.Ecs.Tasks.Count == 1, "the run is launched");
            if (state == "Cancelling")
            {
                e2e.Api.SetFlowRunCancelling(run.Id);
            }
            else
            {
                e2e.Api.SetFlowRunCancelled(run.Id);
            }

            await Eventually.TrueAsync(() => e2e.Api.Logs.Any(l => l.FlowRunId == run.Id && l.Level == "INFO" && l.Message!.Contains("cancelled", StringComparison.Ordinal)), "the stop is logged to the run");
        }

        var task = e2e.Ecs.Tasks.Single();
        var stop = Assert.Single(e2e.Calls("StopTask"));
        var body = AgentEndToEnd.Body(stop);
        Assert.Equal(task.TaskArn, body["task"]!.GetValue<string>());
        Assert.Equal("prefect", body["cluster"]!.GetValue<string>());
        Assert.Equal("Flow run cancelled in Prefect", body["reason"]!.GetValue<string>());
        Assert.Equal("STOPPED", task.Task["desiredStatus"]!.GetValue<string>());
        Assert.Equal("Flow run cancelled in Prefect", task.Task["stoppedReason"]!.GetValue<string>());
        Assert.Contains(task.TaskArn, e2e.Api.Logs.Single(l => l.FlowRunId == run.Id && l.Message!.Contains("cancelled", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Equal(state, run.State);
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR");
    }

    [Fact]
    public async Task RunTaskConflictException_ReadAsLaunched_RunNotFailed_NoSecondTask()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();

        // An earlier launch of this claim (same run, same post-Submitted version, hence the same clientToken) by an agent
        // with other settings: the agent's RunTask reuses the token with other parameters.
        await using (var earlier = await EcsDeployment.StartAsync(o => o.Kwargs["memory"] = "1024", shared: e2e.Ecs))
        {
            await earlier.DeployAsync(EcsDeployment.Run(runId: run.Id), version: run.Version + 1);
        }

        var seeded = Assert.Single(e2e.Ecs.Tasks);
        Assert.Equal(run.Id, seeded.Task["startedBy"]!.GetValue<string>());

        await using (var agent = await RunningAgent.StartAsync(e2e, WatchOptions(e2e)))
        {
            await Eventually.TrueAsync(() => e2e.Logs.Collector.GetSnapshot().Any(r => r.Id.Name == "LaunchConflict"), "the conflict is read");
            await Eventually.TrueAsync(() => Describes(e2e, seeded.TaskArn).Count > 0, "the existing task is watched");
        }

        Assert.Equal("ConflictException", e2e.Calls("RunTask")[^1].ErrorCode);
        Assert.All(e2e.Calls("ListTasks"), r => Assert.Equal(run.Id, AgentEndToEnd.Body(r)["startedBy"]!.GetValue<string>()));
        Assert.NotEmpty(e2e.Calls("ListTasks"));
        Assert.Single(e2e.Ecs.Tasks);
        Assert.Equal("Submitted", run.State);
        Assert.Equal(["Submitted"], run.States.Select(s => s.Type));
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR");
        Assert.Contains(seeded.TaskArn, e2e.Logs.Collector.GetSnapshot().Single(r => r.Id.Name == "LaunchConflict").Message, StringComparison.Ordinal);
    }

    /// <summary>Options of a long-running agent whose watch checks every <see cref="Interval"/>; no reconciler.</summary>
    internal static AgentOptions WatchOptions(AgentEndToEnd e2e)
    {
        var options = e2e.Options(maxPolls: null);
        options.PollIntervals = [TimeSpan.FromMilliseconds(50)];
        options.TaskWatchInterval = Interval;
        options.ReconcileInterval = TimeSpan.Zero;
        return options;
    }

    internal static IReadOnlyList<FakeEcsRequest> Describes(AgentEndToEnd e2e, string taskArn) =>
        e2e.Calls("DescribeTasks").Where(r => r.Body.Contains(taskArn, StringComparison.Ordinal)).ToList();

    internal static DateTimeOffset StoppedAt(FakeEcsTask task) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(task.Task["stoppedAt"]!.GetValue<double>() * 1000));

    /// <summary>
    /// Waits until the running agent has polled the backend <paramref name="span"/> after <paramref name="since"/>: it was
    /// alive, with its watch due several times, for that long (its polls are what shows it, not a sleep).
    /// </summary>
    internal static Task AgentRanForAsync(AgentEndToEnd e2e, DateTimeOffset since, TimeSpan span) =>
        Eventually.TrueAsync(() => e2e.Api.Requests.Any(r => r.Operation == "get_runs_in_queue" && r.ReceivedAt >= since + span), "the agent ran on for a while");
}

/// <summary>An agent started in the background, stopped (with its drain) when disposed.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(FargateAgent agent, Task running)
    {
        Agent = agent;
        Running = running;
    }

    public FargateAgent Agent { get; }

    public Task Running { get; }

    public static Task<RunningAgent> StartAsync(AgentEndToEnd e2e, AgentOptions options, IFlowRunSource? source = null)
    {
        var agent = e2e.CreateAgent(options, source);
        return Task.FromResult(new RunningAgent(agent, agent.StartAsync()));
    }

    public static RunningAgent Start(FargateAgent agent) => new(agent, agent.StartAsync());

    public async ValueTask DisposeAsync()
    {
        await Agent.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Running.WaitAsync(TimeSpan.FromSeconds(60));
        await Agent.DisposeAsync();
    }
}
