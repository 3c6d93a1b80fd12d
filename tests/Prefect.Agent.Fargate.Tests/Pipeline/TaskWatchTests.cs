using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Pipeline;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Pipeline;

public sealed class TaskWatchTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeRunBackend backend = new();
    private readonly FakeTaskMonitor ecs = new();
    private readonly AgentTelemetry telemetry = new(null, "test-agent");
    private readonly AgentOptions options;
    private readonly TaskWatch watch;

    public TaskWatchTests()
    {
        options = new AgentOptions { Name = "test-agent", TimeProvider = time };
        watch = new TaskWatch(options, () => ecs, () => backend, backend, telemetry, NullLogger.Instance);
    }

    public void Dispose() => telemetry.Dispose();

    [Fact]
    public async Task Check_TaskStoppedWhileSubmitted_MarksFailedWithEcsReasonAndErrorLog()
    {
        var claimed = Claim("run-1");
        ecs.Set("arn:task/1", "STOPPED", "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 1 time(s): not found",
            new EcsContainerStatus { Name = "flow", Reason = "CannotPullContainerError: not found", ExitCode = null },
            new EcsContainerStatus { Name = "sidecar", Reason = "Essential container exited", ExitCode = 137 });
        watch.Watch(claimed, "arn:task/1", "prefect");

        time.Advance(options.TaskWatchInterval);
        await watch.CheckAsync(CancellationToken.None);

        var failed = Assert.Single(backend.Failed);
        Assert.Equal(("run-1", 8), (failed.FlowRunId, failed.Version));
        Assert.Contains("arn:task/1", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Stop code: TaskFailedToStart", failed.Message, StringComparison.Ordinal);
        Assert.Contains("CannotPullContainerError: pull image manifest", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Container 'flow': reason: CannotPullContainerError: not found, exit code: (none)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Container 'sidecar': reason: Essential container exited, exit code: 137", failed.Message, StringComparison.Ordinal);
        var log = Assert.Single(backend.Logs);
        Assert.Equal(("ERROR", failed.Message), (log.Level, log.Message));
        Assert.Equal(0, watch.Count);
        Assert.Equal("Failed", backend.Get("run-1").State);
    }

    [Fact]
    public async Task Check_RunWentRunning_NeverFailedEvenWhenTaskStopsLater()
    {
        var claimed = Claim("run-1");
        ecs.Set("arn:task/1", "RUNNING");
        watch.Watch(claimed, "arn:task/1", null);
        await watch.CheckAsync(CancellationToken.None);
        Assert.Equal(1, watch.Count);

        backend.SetState("run-1", "Running");
        ecs.Set("arn:task/1", "STOPPED", "EssentialContainerExited", "Essential container in task exited");
        await watch.CheckAsync(CancellationToken.None);
        await watch.CheckAsync(CancellationToken.None);

        Assert.Empty(backend.Failed);
        Assert.Empty(backend.Logs);
        Assert.Equal(0, watch.Count);
        Assert.Equal("Running", backend.Get("run-1").State);
    }

    [Fact]
    public async Task Check_TaskRunningPastTimeout_DroppedWithoutCalls()
    {
        var claimed = Claim("run-1");
        ecs.Set("arn:task/1", "PROVISIONING");
        watch.Watch(claimed, "arn:task/1", null);

        time.Advance(options.TaskWatchTimeout);
        await watch.CheckAsync(CancellationToken.None);

        Assert.Equal(0, watch.Count);
        Assert.Empty(ecs.Describes);
        Assert.Equal(0, backend.StatusQueries);
        Assert.Empty(backend.Failed);
    }

    [Fact]
    public async Task Check_ManyTasks_OneStateQueryAndCeilNOver100DescribesPerCluster()
    {
        for (var i = 0; i < 250; i++)
        {
            ecs.Set("arn:a/" + i, "RUNNING");
            watch.Watch(Claim("a-" + i), "arn:a/" + i, "cluster-a");
        }

        for (var i = 0; i < 50; i++)
        {
            ecs.Set("arn:b/" + i, "PENDING");
            watch.Watch(Claim("b-" + i), "arn:b/" + i, null);
        }

        await watch.CheckAsync(CancellationToken.None);

        Assert.Equal(1, backend.StatusQueries);
        Assert.Equal(3, ecs.Describes.Count(d => d.Cluster == "cluster-a"));
        Assert.Equal(1, ecs.Describes.Count(d => d.Cluster is null));
        Assert.Equal(300, ecs.Describes.Sum(d => d.Count));
        Assert.Equal(300, watch.Count);
    }

    [Theory]
    [InlineData("Cancelling")]
    [InlineData("Cancelled")]
    public async Task Check_RunCancelledBeforeStart_StopsTaskWithReasonAndInfoLog(string state)
    {
        var claimed = Claim("run-1");
        ecs.Set("arn:task/1", "PROVISIONING");
        watch.Watch(claimed, "arn:task/1", "prefect");
        backend.SetState("run-1", state);

        await watch.CheckAsync(CancellationToken.None);

        var stop = Assert.Single(ecs.Stops);
        Assert.Equal(("prefect", "arn:task/1", "Flow run cancelled in Prefect"), stop);
        var log = Assert.Single(backend.Logs);
        Assert.Equal("INFO", log.Level);
        Assert.Contains("arn:task/1", log.Message, StringComparison.Ordinal);
        Assert.Empty(backend.Failed);
        Assert.Equal(0, watch.Count);
    }

    [Fact]
    public async Task RunAsync_FailedStart_ReportedWithinOneInterval()
    {
        var claimed = Claim("run-1");
        ecs.Set("arn:task/1", "STOPPED", "TaskFailedToStart", "ResourceInitializationError: unable to pull secrets");
        watch.Watch(claimed, "arn:task/1", null);
        using var cts = new CancellationTokenSource();
        var running = watch.RunAsync(cts.Token);

        time.Advance(options.TaskWatchInterval);
        await Eventually.TrueAsync(() => !backend.Failed.IsEmpty, "the run is marked Failed");

        Assert.Contains("ResourceInitializationError", Assert.Single(backend.Failed).Message, StringComparison.Ordinal);
        await cts.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Check_TaskStopped_MarkFailedGetsTheRunsIdentityWithoutItsDeploymentJson()
    {
        var run = new FlowRun
        {
            Id = "run-1",
            Version = 7,
            State = "Scheduled",
            Name = "brave-otter",
            ScheduledStartTime = DateTimeOffset.Parse("2026-12-06T05:00:00Z", CultureInfo.InvariantCulture),
            SerializedState = new JsonObject { ["type"] = "Scheduled" },
            Parameters = new JsonObject { ["x"] = 1 },
            RunConfig = new JsonObject { ["type"] = "ECSRun" },
            Flow = new FlowInfo { Id = "flow-1", Name = "My Flow", Version = 3, CoreVersion = "0.15.0", Storage = new JsonObject { ["type"] = "Docker" }, Environment = new JsonObject() },
            TaskRuns = [new TaskRunInfo { Id = "task-run-1", Version = 1 }],
        };
        backend.Add(run, "Scheduled");
        backend.SetState("run-1", "Submitted");
        ecs.Set("arn:task/1", "STOPPED", "TaskFailedToStart", "CannotPullContainerError");
        watch.Watch(new ClaimedFlowRun(run, backend.Get("run-1").Version), "arn:task/1", null);

        await watch.CheckAsync(CancellationToken.None);

        var failed = Assert.Single(backend.FailedRuns);
        Assert.Equal(
            ("run-1", 7, "Scheduled", "brave-otter", run.ScheduledStartTime, "flow-1", "My Flow", (int?)3, "0.15.0"),
            (failed.Id, failed.Version, failed.State, failed.Name, failed.ScheduledStartTime, failed.Flow.Id, failed.Flow.Name, failed.Flow.Version, failed.Flow.CoreVersion));
        Assert.Equal(
            [null, null, null, null, null],
            new JsonNode?[] { failed.SerializedState, failed.Parameters, failed.RunConfig, failed.Flow.Storage, failed.Flow.Environment });
        Assert.Empty(failed.TaskRuns);
    }

    [Fact]
    public void Watch_ManyTasks_KeepsNoneOfTheRunsReadForTheirDeployment()
    {
        // What a deployment read (the run's state, parameters, run config, flow environment and storage) is several
        // kilobytes a run; the watch follows every launched task for up to TaskWatchTimeout, so it keeps none of it.
        var deployed = WatchRuns(50);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(50, watch.Count);
        Assert.All(deployed, run => Assert.False(run.TryGetTarget(out _)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private List<WeakReference<FlowRun>> WatchRuns(int count)
    {
        var references = new List<WeakReference<FlowRun>>();
        for (var i = 0; i < count; i++)
        {
            var run = FlowRuns.Create($"run-{i}");
            watch.Watch(new ClaimedFlowRun(run, 8), $"arn:task/{i}", "prefect");
            references.Add(new WeakReference<FlowRun>(run));
        }

        return references;
    }

    private ClaimedFlowRun Claim(string id)
    {
        var run = FlowRuns.Create(id);
        backend.Add(run, "Scheduled");
        backend.SetState(id, "Submitted");
        return new ClaimedFlowRun(run, backend.Get(id).Version);
    }
}
