using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Pipeline;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Pipeline;

public sealed class ReconcilerTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeRunBackend backend = new();
    private readonly FakeTaskMonitor ecs = new();
    private readonly AgentTelemetry telemetry = new(null, "test-agent");
    private readonly AgentOptions options;

    // ECS's RunTask idempotency: one task per clientToken.
    private readonly ConcurrentDictionary<string, string> tasksByToken = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> launches = new();

    public ReconcilerTests()
    {
        options = new AgentOptions { Name = "test-agent", Labels = ["aws"], TimeProvider = time };
    }

    public void Dispose() => telemetry.Dispose();

    [Fact]
    public async Task Reconcile_BeforeGrace_DoesNothing_AfterGrace_LaunchesOnceWithClaimedVersion()
    {
        var version = Submitted("run-1");
        var (reconciler, watch) = Create();

        await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Empty(launches);

        time.Advance(options.ReconcileAfter);
        await reconciler.ReconcileAsync(CancellationToken.None);
        await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal(["run-1-" + version], launches);
        Assert.Equal(1, watch.Count);
    }

    [Fact]
    public async Task Reconcile_TaskFoundByStartedBy_WatchedNotLaunched()
    {
        Submitted("run-1");
        ecs.ByStartedBy["run-1"] = ["arn:task/existing"];
        var (reconciler, watch) = Create();

        await reconciler.ReconcileAsync(CancellationToken.None);
        time.Advance(options.ReconcileAfter);
        await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Empty(launches);
        Assert.Equal(("prefect", "run-1"), Assert.Single(ecs.Finds));
        Assert.Equal(1, watch.Count);
    }

    [Fact]
    public async Task Reconcile_RunInFlightHere_Skipped()
    {
        Submitted("run-1");
        var (reconciler, _) = Create(inFlight: id => id == "run-1");

        await reconciler.ReconcileAsync(CancellationToken.None);
        time.Advance(options.ReconcileAfter + options.ReconcileInterval);
        await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Empty(launches);
        Assert.Empty(ecs.Finds);
    }

    [Fact]
    public async Task Reconcile_RunsOfOtherLabels_Ignored()
    {
        backend.Add(FlowRuns.Create("other"), "Scheduled", "gpu");
        backend.SetState("other", "Submitted");
        var (reconciler, _) = Create();

        await reconciler.ReconcileAsync(CancellationToken.None);
        time.Advance(options.ReconcileAfter);
        await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Empty(launches);
    }

    [Fact]
    public async Task Reconcile_CrashBetweenClaimAndRunTask_RestartLaunchesEveryClaimedRunExactlyOnce()
    {
        // The first agent claimed 10 runs; RunTask happened for 4 of them before it crashed.
        for (var i = 0; i < 10; i++)
        {
            var version = Submitted("run-" + i);
            if (i < 4)
            {
                tasksByToken["run-" + i + "-" + version] = "arn:task/run-" + i;
                ecs.ByStartedBy["run-" + i] = ["arn:task/run-" + i];
            }
        }

        var (reconciler, _) = Create();
        using var cts = new CancellationTokenSource();
        var running = reconciler.RunAsync(cts.Token);
        for (var step = 0; step < 4; step++)
        {
            time.Advance(options.ReconcileInterval);
            await Task.Yield();
        }

        await Eventually.TrueAsync(() => launches.Count == 6, "the 6 runs without a task are launched");
        time.Advance(options.ReconcileInterval * 3);
        await cts.CancelAsync();
        await running;

        Assert.Equal(Enumerable.Range(4, 6).Select(i => "run-" + i).Order(), launches.Select(t => t[..t.LastIndexOf('-')]).Order());
        Assert.Equal(10, tasksByToken.Count);
    }

    [Fact]
    public async Task Reconcile_TwoAgentsSameRun_OneTask()
    {
        Submitted("run-1");
        var (first, _) = Create();
        var (second, _) = Create();

        await Task.WhenAll(first.ReconcileAsync(CancellationToken.None), second.ReconcileAsync(CancellationToken.None));
        time.Advance(options.ReconcileAfter);
        await Task.WhenAll(first.ReconcileAsync(CancellationToken.None), second.ReconcileAsync(CancellationToken.None));

        // Both launched with the same clientToken: ECS answers the first task to the second.
        Assert.Equal(2, launches.Count);
        Assert.Single(launches.Distinct());
        Assert.Single(tasksByToken);
    }

    private int Submitted(string id)
    {
        backend.Add(FlowRuns.Create(id), "Scheduled", "aws");
        backend.SetState(id, "Submitted");
        return backend.Get(id).Version;
    }

    private (Reconciler Reconciler, TaskWatch Watch) Create(Func<string, bool>? inFlight = null)
    {
        var watch = new TaskWatch(options, () => ecs, () => backend, backend, telemetry, NullLogger.Instance);
        var reconciler = new Reconciler(
            options,
            backend,
            () => ecs,
            watch,
            inFlight ?? (_ => false),
            (claimed, _) => Task.FromResult(new TaskScope("prefect", claimed.Run.Id)),
            (claimed, _) =>
            {
                var token = claimed.Run.Id + "-" + claimed.Version;
                launches.Enqueue(token);
                var arn = tasksByToken.GetOrAdd(token, t => "arn:task/" + t);
                watch.Watch(claimed, arn, "prefect");
                return Task.FromResult(new DeploymentResult { FlowRunId = claimed.Run.Id, Status = DeploymentStatus.Submitted, TaskArn = arn });
            },
            telemetry,
            NullLogger.Instance);
        return (reconciler, watch);
    }
}
