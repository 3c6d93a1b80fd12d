using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Testing.Ecs;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>The registry's cache and single flight, and RunTask idempotency, over real HTTP.</summary>
public sealed class DeploymentCacheTests
{
    [Fact]
    public async Task Deploy_SecondRunOfTheSameFlow_MakesExactlyOneEcsCall()
    {
        await using var d = await StartAsync();
        await d.DeployAsync(Run(runId: "run-1"));
        d.Ecs.ClearRequests();

        var second = await d.DeployAsync(Run(runId: "run-2"));

        var call = Assert.Single(d.Ecs.Requests);
        Assert.Equal("RunTask", call.Operation);
        Assert.Equal(d.Ecs.TaskDefinitions.Single().Arn, call.Body()["taskDefinition"].Text());
        Assert.Equal(2, d.Ecs.Tasks.Count);
        Assert.Equal(d.Ecs.Tasks[1].TaskArn, second.TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_HundredConcurrentRunsOfOneFlow_RegistersOnceWithinEcsQuotas()
    {
        // The client runs a second behind ECS's buckets (EcsRateLimits.Headroom, 100 ms by default): on a loaded test
        // machine the first request of the burst can reach the fake's quota check more than 100 ms after a later one,
        // which is the transit race the headroom is for, not a pacing fault. A second covers the test machine's
        // scheduling; the pacing itself is what keeps the 100 runs within the Fargate RunTask bucket (burst 20).
        await using var d = await StartAsync(
            o => o.EcsRateLimits.Headroom = TimeSpan.FromSeconds(1),
            fakeOptions: new FakeEcsOptions { EnforceQuotas = true });

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => d.DeployAsync(Run(runId: $"run-{i:D3}"))));

        // One listing of the families (the flow's is not among them), then one registration: no describe.
        Assert.Equal(1, d.Ecs.GetCallCount("ListTaskDefinitionFamilies"));
        Assert.Equal(0, d.Ecs.GetCallCount("DescribeTaskDefinition"));
        Assert.Equal(1, d.Ecs.GetCallCount("RegisterTaskDefinition"));
        Assert.True(d.Ecs.GetCallCount("RunTask") == 100, $"RunTask calls: {d.Ecs.GetCallCount("RunTask")}, throttled: {d.Ecs.ThrottledCount}");
        Assert.Equal(100, results.Select(r => r.TaskArn).Distinct(StringComparer.Ordinal).Count());
        var arn = d.Ecs.TaskDefinitions.Single().Arn;
        Assert.All(d.Ecs.Calls("RunTask"), c => Assert.Equal(arn, c.Body()["taskDefinition"].Text()));
        Assert.Equal(100, d.Ecs.Tasks.Count);
        Assert.Equal(0, d.Ecs.ThrottledCount);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RunTaskAnswerLost_TheRetryGetsTheSameTaskAndOneTaskExists()
    {
        var time = new FakeTimeProvider();
        await using var d = await StartAsync(o => (o.TimeProvider, o.BotocoreConfig) = (time, new BotocoreConfig { MaxAttempts = 3, ReadTimeout = TimeSpan.FromHours(1) }));
        d.Ecs.InjectFault("RunTask", FakeEcsFault.LoseResponse());

        var result = await PumpAsync(d.DeployAsync(Run()), time);

        var launches = d.Ecs.Calls("RunTask");
        Assert.Equal([0, 200], launches.Select(l => l.StatusCode));
        Assert.Equal(launches[0].Body, launches[1].Body);
        Assert.Equal(result.TaskArn, d.Ecs.Tasks.Single().TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ServicesCreatedFromOptionsAlone_ReachTheFake()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var options = ecs.ApplyTo(new AgentOptions { Kwargs = FargateKwargs() });
        var planner = new DeploymentPlanner(options, KwargsParser.Parse(options.Kwargs, _ => null));
        using var services = AgentComposition.Default.CreateEcs(options);
        var plan = planner.Plan(Run(), 2, null);

        plan.RunTask["taskDefinition"] = await services.Registry.EnsureAsync(plan.TaskDefinition, CancellationToken.None);
        var result = await services.Launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = RunId, Request = plan.RunTask }, CancellationToken.None);

        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(ecs.Tasks.Single().TaskArn, result.TaskArn);
        ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Launch_SamePlanTwice_EcsReturnsTheSameTaskAndOneTaskExists()
    {
        await using var d = await StartAsync();
        var plan = d.Planner.Plan(Run(), 2, null);

        var first = await d.LaunchAsync(plan, RunId);
        var again = await d.LaunchAsync(plan, RunId);

        Assert.Equal(first.TaskArn, again.TaskArn);
        Assert.Single(d.Ecs.Tasks);
        var launches = d.Ecs.Calls("RunTask");
        Assert.Equal(2, launches.Count);
        Assert.All(launches, l => Assert.Equal((200, $"{RunId}-2"), (l.StatusCode, l.Body()["clientToken"].Text())));
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_SameRunAtANewVersion_StartsANewTask()
    {
        await using var d = await StartAsync();

        var first = await d.DeployAsync(Run(), version: 2);
        var rescheduled = await d.DeployAsync(Run(), version: 5);

        Assert.NotEqual(first.TaskArn, rescheduled.TaskArn);
        Assert.Equal([$"{RunId}-2", $"{RunId}-5"], d.Ecs.Calls("RunTask").Select(c => c.Body()["clientToken"].Text()));
        Assert.Equal(2, d.Ecs.Tasks.Count);
    }
}
