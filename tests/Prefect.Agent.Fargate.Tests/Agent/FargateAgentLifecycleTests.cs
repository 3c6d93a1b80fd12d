using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Agent;

public sealed class FargateAgentLifecycleTests
{
    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();
        _ = agent.StartAsync();

        var ex = Assert.Throws<InvalidOperationException>(() => { _ = agent.StartAsync(); });

        Assert.Equal("Already started", ex.Message);
    }

    [Fact]
    public async Task StartAsync_AfterDispose_Throws()
    {
        var harness = new AgentHarness();
        var agent = harness.Create();
        await agent.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = agent.StartAsync(); });
        await Assert.ThrowsAsync<ObjectDisposedException>(() => agent.DeployFlowAsync(FlowRuns.Create("run-1")));
    }

    [Fact]
    public async Task StartAsync_RegistersWithNameLabelsAndConfigId()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 0;
            o.AgentConfigId = "config-1";
        });

        await agent.StartAsync();

        var registration = harness.Source.Registration!;
        Assert.Equal(("test-agent", "config-1", "FargateAgent"), (registration.Name, registration.AgentConfigId, registration.AgentType));
        Assert.Equal(["aws", "staging"], registration.Labels);
    }

    [Fact]
    public async Task StartAsync_CredentialsRefused_ThrowsTheAuthenticationError()
    {
        var harness = new AgentHarness();
        harness.Source.RegisterException = new PrefectAuthenticationException("Prefect refused the API key (PREFECT__CLOUD__API_KEY).");
        await using var agent = harness.Create();

        await Assert.ThrowsAsync<PrefectAuthenticationException>(() => agent.StartAsync());

        Assert.Equal(0, harness.Source.PollCount);
        Assert.Equal(Fargate.Polling.AgentState.Faulted, agent.Status.Snapshot().State);
    }

    [Fact]
    public async Task StopAsync_SlowDeploymentInFlight_WaitsForIt()
    {
        var harness = new AgentHarness();
        var release = new TaskCompletionSource<TaskLaunchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Launcher.OnRunTask = (_, _) => release.Task;
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        await using var agent = harness.Create();

        var run = agent.StartAsync();
        Task stop;
        try
        {
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 1, "the deployment is launching");
            stop = agent.StopAsync();
            await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
            Assert.False(stop.IsCompleted);
        }
        finally
        {
            release.TrySetResult(new TaskLaunchResult { TaskArn = "arn:task-1" });
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Submitted for execution: Task ARN: arn:task-1", Assert.Single(harness.Source.Logs).Message);
    }

    [Fact]
    public async Task StopAsync_DrainTimesOut_CancelsTheDeployment()
    {
        var harness = new AgentHarness();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Launcher.OnRunTask = async (_, ct) =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        };
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        await using var agent = harness.Create(o => o.ShutdownDrainTimeout = TimeSpan.FromSeconds(5));

        var run = agent.StartAsync();
        Task stop;
        try
        {
            await Eventually.TrueAsync(() => harness.Launcher.Requests.Count == 1, "the deployment is launching");
            stop = agent.StopAsync();
            await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
            harness.Time.Advance(TimeSpan.FromSeconds(5));
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            // Should the test fail early, abandon the drain so disposing the agent does not wait on the fake clock.
            await agent.StopAsync(new CancellationToken(canceled: true));
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(harness.Source.Failed);
        Assert.Equal(0, agent.Status.Snapshot().InFlight);
    }

    [Fact]
    public async Task StopAsync_BeforeStart_ReturnsAndStartThenEndsAtOnce()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create();

        await agent.StopAsync();
        await agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, harness.Source.PollCount);
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_IsHarmless()
    {
        var harness = new AgentHarness();
        var agent = harness.Create(o => o.MaxPolls = 1);
        await agent.StartAsync();

        await agent.DisposeAsync();
        await agent.DisposeAsync();

        Assert.Equal(1, harness.Source.PollCount);
    }
}
