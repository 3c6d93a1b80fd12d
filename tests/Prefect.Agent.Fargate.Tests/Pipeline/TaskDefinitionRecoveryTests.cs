using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Pipeline;

/// <summary>
/// RunTask refusing the definition the registry answered (deregistered since): the pipeline has the registry, whichever
/// it is, ensure it again (<see cref="ITaskDefinitionRegistry.EnsureAgainAsync"/>) and retries RunTask once.
/// </summary>
public sealed class TaskDefinitionRecoveryTests
{
    [Fact]
    public async Task Deploy_DefinitionRefused_CustomRegistrySeesEnsureAgainAndRunTaskIsRetriedOnce()
    {
        var harness = new AgentHarness();
        var registry = new CachingRegistry();
        harness.Launcher.OnRunTask = RefuseFirst("arn:td/prefect-task-abcdef12:1");
        var logs = new FakeLogCollector();
        harness.LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        await using var agent = Create(harness, registry);

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        Assert.Equal("arn:td/prefect-task-abcdef12:2", result.TaskDefinition);
        var again = Assert.Single(registry.EnsureAgainCalls);
        Assert.Equal(("prefect-task-abcdef12", "arn:td/prefect-task-abcdef12:1"), (again.Request.Family, again.Refused));
        var launches = harness.Launcher.Requests.ToArray();
        Assert.Equal(2, launches.Length);
        Assert.Equal("arn:td/prefect-task-abcdef12:2", launches[1].Request["taskDefinition"]!.ToString());
        Assert.Equal(launches[0].Request["clientToken"]!.ToString(), launches[1].Request["clientToken"]!.ToString());
        Assert.NotSame(launches[0].Request, launches[1].Request);
        Assert.Empty(harness.Source.Failed);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "TaskDefinitionInactiveOnRun");
        Assert.Equal(56, warning.Id.Id);
        Assert.Contains("arn:td/prefect-task-abcdef12:1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_DefinitionRefused_RegistryWithoutEnsureAgainIsAskedToEnsureAFreshRequest()
    {
        var harness = new AgentHarness();
        var answers = new ConcurrentQueue<string>(["td:1", "td:2"]);
        harness.Registry.OnEnsure = _ => answers.TryDequeue(out var next) ? next : "td:?";
        harness.Launcher.OnRunTask = RefuseFirst("td:1");
        await using var agent = harness.Create();

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        // The interface's default EnsureAgainAsync calls EnsureAsync: a registry that keeps nothing recovers as it is.
        Assert.Equal(DeploymentStatus.Submitted, result.Status);
        var requests = harness.Registry.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.NotSame(requests[0].RegisterRequest, requests[1].RegisterRequest);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(requests[0].RegisterRequest, requests[1].RegisterRequest));
        Assert.Equal("td:2", harness.Launcher.Requests.Last().Request["taskDefinition"]!.ToString());
    }

    [Fact]
    public async Task Deploy_RetryRefusedToo_FailsTheRunWithTheRefusalAfterOneRetry()
    {
        var harness = new AgentHarness();
        var registry = new CachingRegistry();
        harness.Launcher.OnRunTask = (request, _) => throw Refusal(request.Request["taskDefinition"]!.ToString());
        await using var agent = Create(harness, registry);

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Equal(2, harness.Launcher.Requests.Count);
        Assert.Single(registry.EnsureAgainCalls);
        var failed = Assert.Single(harness.Source.Failed);
        Assert.Contains("TaskDefinition is inactive", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_LauncherRefusesADefinitionTheRegistryDidNotAnswer_FailsWithoutEnsuringAgain()
    {
        var harness = new AgentHarness();
        var registry = new CachingRegistry();
        harness.Launcher.OnRunTask = (_, _) => throw Refusal("some-other-family:3");
        await using var agent = Create(harness, registry);

        var result = await agent.DeployFlowAsync(FlowRuns.Create("run-1", version: 7));

        Assert.Equal(DeploymentStatus.Failed, result.Status);
        Assert.Empty(registry.EnsureAgainCalls);
        Assert.Single(harness.Launcher.Requests);
    }

    private static FargateAgent Create(AgentHarness harness, ITaskDefinitionRegistry registry) =>
        new(harness.Options(), harness.Composition, Microsoft.Extensions.Options.Options.DefaultName, harness.Source, registry, harness.Launcher, harness.External);

    private static TaskDefinitionInactiveException Refusal(string taskDefinition) =>
        new(taskDefinition, "ECS RunTask failed: ClientException: TaskDefinition is inactive (HTTP 400, request id r-1)");

    private static Func<TaskLaunchRequest, CancellationToken, Task<TaskLaunchResult>> RefuseFirst(string refused) =>
        (request, _) => request.Request["taskDefinition"]!.ToString() == refused
            ? throw Refusal(refused)
            : Task.FromResult(new TaskLaunchResult { TaskArn = FakeTaskLauncher.Arn(request.FlowRunId) });

    /// <summary>A user's registry that caches its answers per family and overrides EnsureAgainAsync to drop one.</summary>
    private sealed class CachingRegistry : ITaskDefinitionRegistry
    {
        private readonly ConcurrentDictionary<string, string> cache = new(StringComparer.Ordinal);
        private int revision;

        public ConcurrentQueue<(TaskDefinitionRequest Request, string Refused)> EnsureAgainCalls { get; } = new();

        public Task<string> EnsureAsync(TaskDefinitionRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(cache.GetOrAdd(request.Family, family => $"arn:td/{family}:{Interlocked.Increment(ref revision)}"));

        public Task<string> EnsureAgainAsync(TaskDefinitionRequest request, string refusedTaskDefinition, CancellationToken cancellationToken)
        {
            EnsureAgainCalls.Enqueue((request, refusedTaskDefinition));
            cache.TryRemove(new KeyValuePair<string, string>(request.Family, refusedTaskDefinition));
            return EnsureAsync(request, cancellationToken);
        }
    }
}
