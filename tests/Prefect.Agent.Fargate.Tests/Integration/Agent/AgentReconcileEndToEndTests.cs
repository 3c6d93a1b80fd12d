using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// Claimed runs left without a task: an agent stopped without drain between claim and RunTask, then a new agent; two
/// agents reconciling the same runs; a host with its own launcher. The invariant checked is ECS's own record: one task
/// per flow run (by <c>startedBy</c>), never two, and no run left Submitted without one.
/// </summary>
public sealed class AgentReconcileEndToEndTests
{
    private const int Runs = 12;

    [Fact]
    public async Task AgentStoppedWithoutDrainBetweenClaimAndRunTask_NextAgentLaunchesEveryClaimedRunExactlyOnce()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var runs = Enumerable.Range(0, Runs).Select(_ => e2e.AddRun()).ToList();

        // The first agent's RunTask calls, in the order they arrive: three answered, three that take effect but whose
        // answer is lost (the client retries; the retry may hang), and the rest hang until the agent is gone. So when
        // it stops, its runs are at every step: launched and known, launched but not known, in RunTask, waiting to retry.
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.SlowResponse(TimeSpan.Zero), times: 3);
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.LoseResponse(), times: 3);
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.SlowResponse(TimeSpan.FromMinutes(5)), times: 100);
        var first = e2e.Options(maxPolls: null);
        first.ShutdownDrainTimeout = TimeSpan.Zero;
        first.ReconcileInterval = TimeSpan.Zero;
        var crashed = await RunningAgent.StartAsync(e2e, first);
        await Eventually.TrueAsync(() => runs.All(r => r.State == "Submitted") && e2e.Calls("RunTask").Count >= 6, "every run is claimed and six RunTask calls took effect");
        var hanging = runs.Count(r => TasksOf(e2e, r) == 0);

        // "Crash": no drain, in-flight calls abandoned (their HTTP requests aborted), nothing reported.
        await crashed.DisposeAsync();
        e2e.Ecs.ClearFaults();
        var afterCrash = runs.Count(r => TasksOf(e2e, r) == 0);
        Assert.True(afterCrash > 0, "some claimed runs were left without a task");
        Assert.Equal(hanging, afterCrash);
        Assert.All(runs, r => Assert.Equal("Submitted", r.State));

        var next = ReconcilingOptions(e2e);
        await using (var agent = await RunningAgent.StartAsync(e2e, next))
        {
            await Eventually.TrueAsync(() => runs.All(r => TasksOf(e2e, r) == 1), "every claimed run has its task");

            // A few more reconcile passes: nothing is launched twice.
            await AgentTaskWatchEndToEndTests.AgentRanForAsync(e2e, TimeProvider.System.GetUtcNow(), next.ReconcileInterval * 3);
        }

        Assert.All(runs, r => Assert.Equal(1, TasksOf(e2e, r)));
        Assert.Equal(Runs, e2e.Ecs.Tasks.Count);
        Assert.All(runs, r => Assert.Equal("Submitted", r.State));
        Assert.All(runs, r => Assert.Equal(["Submitted"], r.States.Select(s => s.Type)));
        Assert.Contains(e2e.Logs.Collector.GetSnapshot(), l => l.Id.Name == "ReconcileLaunching");
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task TwoAgentsReconcileTheSameClaimedRuns_OneTaskPerRun()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();

        // Claimed by an agent that is gone, before any RunTask.
        var runs = Enumerable.Range(0, Runs).Select(_ => e2e.AddRun()).ToList();
        foreach (var run in runs)
        {
            e2e.Api.SetFlowRunState(run.Id, "Submitted", "Submitted for execution");
        }

        var a = ReconcilingOptions(e2e);
        a.Name = "agent-a";
        var b = ReconcilingOptions(e2e);
        b.Name = "agent-b";
        await using (var first = await RunningAgent.StartAsync(e2e, a))
        await using (var second = await RunningAgent.StartAsync(e2e, b))
        {
            await Eventually.TrueAsync(() => runs.All(r => TasksOf(e2e, r) == 1), "every run has its task");
            await AgentTaskWatchEndToEndTests.AgentRanForAsync(e2e, TimeProvider.System.GetUtcNow(), a.ReconcileInterval * 3);
        }

        Assert.All(runs, r => Assert.Equal(1, TasksOf(e2e, r)));
        Assert.Equal(Runs, e2e.Ecs.Tasks.Count);
        Assert.All(runs, r => Assert.Equal("Submitted", r.State));
        Assert.DoesNotContain(e2e.Api.Logs, l => l.Level == "ERROR");
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task HostWithItsOwnLauncherAndTaskMonitor_ThroughAddFargateAgent_ReconcilesALostLaunchThroughThem()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();
        var claimed = e2e.Api.SetFlowRunState(run.Id, "Submitted", "Submitted for execution");
        var launcher = new FakeTaskLauncher();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FargateAgent:Name"] = "hosted-agent",
            ["FargateAgent:Backend"] = "Server",
            ["FargateAgent:ApiUrl"] = e2e.Api.Url.ToString(),
            ["FargateAgent:Labels:0"] = "aws",
            ["FargateAgent:PollIntervals:0"] = "00:00:00.05",
            ["FargateAgent:RegionName"] = e2e.Ecs.Region,
            ["FargateAgent:AwsAccessKeyId"] = FakeEcs.AccessKeyId,
            ["FargateAgent:AwsSecretAccessKey"] = FakeEcs.SecretAccessKey,
            ["FargateAgent:EcsServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:TaggingServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:ReconcileAfter"] = "00:00:00.5",
            ["FargateAgent:ReconcileInterval"] = "00:00:00.25",
            ["FargateAgent:TaskWatchInterval"] = "00:00:00.25",
            ["FargateAgent:Kwargs:cpu"] = "256",
            ["FargateAgent:Kwargs:memory"] = "512",
            ["FargateAgent:Kwargs:cluster"] = "hosted",
            ["FargateAgent:Kwargs:networkConfiguration:awsvpcConfiguration:subnets:0"] = AgentEndToEnd.Subnet,
        });
        builder.Services.AddSingleton(new AgentComposition { Environment = _ => null });
        builder.Services.AddSingleton<ITaskLauncher>(launcher);
        builder.Services.AddFargateAgent(builder.Configuration.GetSection("FargateAgent")).AddTaskMonitor<FakeTaskMonitor>();
        using var host = builder.Build();
        var monitor = (FakeTaskMonitor)host.Services.GetRequiredKeyedService<ITaskMonitor>(Microsoft.Extensions.Options.Options.DefaultName);

        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => !launcher.Requests.IsEmpty, "the lost launch goes through the host's launcher");
            await Eventually.TrueAsync(() => !monitor.Describes.IsEmpty, "the task watch follows the task through the host's monitor");
        }
        finally
        {
            await host.StopAsync();
        }

        var request = Assert.Single(launcher.Requests);
        Assert.Equal(run.Id, request.FlowRunId);
        Assert.Equal($"{run.Id}-{claimed}", request.Request["clientToken"]!.GetValue<string>());
        Assert.Equal(("hosted", run.Id), Assert.Single(monitor.Finds));
        Assert.Empty(e2e.Calls("RunTask"));
        Assert.Empty(e2e.Calls("ListTasks"));
        Assert.Empty(e2e.Calls("DescribeTasks"));
        Assert.Equal("Submitted", run.State);
    }

    [Fact]
    public async Task DirectUse_SourceThatIsNoMonitor_WithAFlowRunMonitorSupplied_Reconciles()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();
        e2e.Api.SetFlowRunState(run.Id, "Submitted", "Submitted for execution");
        var options = ReconcilingOptions(e2e);
        var resolved = e2e.Composition().Resolve(options);
        using var prefect = PrefectFlowRunSource.Create(resolved);
        var launcher = new FakeTaskLauncher();
        var agent = new FargateAgent(options, e2e.Composition(), optionsName: null, new NotAMonitor(prefect), null, launcher, null, taskMonitor: null, flowRunMonitor: prefect);

        await using (RunningAgent.Start(agent))
        {
            await Eventually.TrueAsync(() => !launcher.Requests.IsEmpty, "the run is launched again");
        }

        Assert.Equal(run.Id, Assert.Single(launcher.Requests).FlowRunId);
        Assert.Equal(run.Id, AgentEndToEnd.Body(e2e.Calls("ListTasks")[0])["startedBy"]!.GetValue<string>());
        Assert.DoesNotContain(e2e.Logs.Collector.GetSnapshot(), l => l.Id.Name == "WatchUnavailable");
    }

    [Fact]
    public async Task DirectUse_SourceThatIsNoMonitor_NoneSupplied_SaysSoAndDoesNotReconcile()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var options = ReconcilingOptions(e2e);
        using var prefect = PrefectFlowRunSource.Create(e2e.Composition().Resolve(options));
        var agent = e2e.CreateAgent(options, new NotAMonitor(prefect));

        await using (RunningAgent.Start(agent))
        {
            await Eventually.TrueAsync(() => e2e.Logs.Collector.GetSnapshot().Any(l => l.Id.Name == "WatchUnavailable"), "the agent says it cannot reconcile");
        }

        Assert.Empty(e2e.Calls("ListTasks"));
    }

    /// <summary>A long-running agent that reconciles every 250 ms after a 500 ms grace, and watches every 250 ms.</summary>
    internal static AgentOptions ReconcilingOptions(AgentEndToEnd e2e)
    {
        var options = e2e.Options(maxPolls: null);
        options.PollIntervals = [TimeSpan.FromMilliseconds(50)];
        options.ReconcileAfter = TimeSpan.FromMilliseconds(500);
        options.ReconcileInterval = TimeSpan.FromMilliseconds(250);
        options.TaskWatchInterval = TimeSpan.FromMilliseconds(250);
        return options;
    }

    private static int TasksOf(AgentEndToEnd e2e, FakeFlowRun run) =>
        e2e.Ecs.Tasks.Count(t => t.Task["startedBy"]?.GetValue<string>() == run.Id);

    /// <summary>The Prefect source behind an interface that is only an <see cref="IFlowRunSource"/>.</summary>
    private sealed class NotAMonitor(IFlowRunSource inner) : IFlowRunSource
    {
        public Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken) => inner.RegisterAgentAsync(request, cancellationToken);

        public Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken) => inner.GetReadyFlowRunsAsync(query, cancellationToken);

        public Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken) => inner.MarkSubmittedAsync(run, cancellationToken);

        public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken) => inner.MarkFailedAsync(run, version, message, cancellationToken);

        public Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken) => inner.WriteLogAsync(log, cancellationToken);
    }
}
