using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// The family listing over real HTTP: the ECS calls per run of a burst of new flows (the benchmark's workload (a) in
/// small), and the fake's <c>ListTaskDefinitionFamilies</c> against ECS's rules.
/// </summary>
public sealed class DeploymentFamilyListingTests
{
    [Fact]
    public async Task Deploy_BurstOfRunsOfNewFlows_ListsOnceRegistersEachFlowOnceAndNeverDescribes()
    {
        // ECS's default quotas. The client runs a second behind them (EcsRateLimits.Headroom, 100 ms by default): on a
        // loaded test machine a burst's first request can reach the fake's quota check more than 100 ms after a later
        // one, the transit race the headroom is for (DeploymentCacheTests does the same).
        await using var d = await StartAsync(
            o => o.EcsRateLimits.Headroom = TimeSpan.FromSeconds(1),
            fakeOptions: new FakeEcsOptions { EnforceQuotas = true });
        var flows = Enumerable.Range(0, 10).Select(i => $"{i:x8}-1f8e-4d2b-9c3a-0123456789ab").ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            d.DeployAsync(Run(flowId: flows[i % flows.Count], runId: $"6f1c2d3e-4b5a-4c6d-8e9f-{i:x12}"))));

        var counts = d.Ecs.CallCounts;
        Assert.Equal(
            [("ListTaskDefinitionFamilies", 1), ("RegisterTaskDefinition", 10), ("RunTask", 50)],
            counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        Assert.Equal(50, results.Select(r => r.TaskArn).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(10, d.Ecs.TaskDefinitions.Select(t => t.Family).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, d.Ecs.ThrottledCount);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_SecondAgentAfterTheFirstRegistered_DescribesAndReusesInsteadOfRegistering()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using (var first = await StartAsync(shared: ecs))
        {
            await first.DeployAsync(Run(runId: "run-first"));
        }

        ecs.ClearRequests();
        await using var second = await StartAsync(shared: ecs);

        await second.DeployAsync(Run());

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal("prefect-task-", ecs.Requests[0].Body()["familyPrefix"].Text());
        Assert.Single(ecs.TaskDefinitions);
    }

    [Fact]
    public async Task Deploy_BlindRegistrationThrottled_AnotherAgentRegistersMeanwhile_TheRetryDescribesAndReuses()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using var d = await StartAsync(o => o.BotocoreConfig = new BotocoreConfig { MaxAttempts = 1 }, shared: ecs);
        await using var other = await StartAsync(shared: ecs);
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.Throttling(), times: 2);

        // The listing names no family: this agent registers without a describe and is throttled, describes (nothing
        // yet), registers again and is throttled again.
        var throttled = await Assert.ThrowsAsync<AwsServiceException>(() => d.DeployAsync(Run()));
        Assert.Equal(DeploymentFaultKind.Transient, throttled.Kind);

        // Another agent of the account registers the same definition meanwhile.
        await other.DeployAsync(Run(runId: "run-other"));
        ecs.ClearRequests();

        // The retry describes first, finds that revision and runs it: no second revision.
        await d.DeployAsync(Run());

        Assert.Equal(["DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Single(ecs.TaskDefinitions);
    }

    [Fact]
    public async Task Deploy_BlindRegistrationThrottledOnce_DescribesBeforeRegisteringAgain_AndReusesAnotherAgentsRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using var d = await StartAsync(shared: ecs);
        await using var other = await StartAsync(shared: ecs);

        // This agent lists the families (none) with its first flow; the other agent then registers a second flow.
        await d.DeployAsync(Run(flowId: OtherFlowId, runId: "run-0"));
        await other.DeployAsync(Run(runId: "run-other"));
        ecs.ClearRequests();
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.Throttling());

        // Its listing does not name that flow's family: it registers without a describe, is throttled, and looks (no
        // retry of the blind registration by the client, although it makes up to 3 attempts) before registering again.
        await d.DeployAsync(Run());

        Assert.Equal(["RegisterTaskDefinition", "DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(400, ecs.Requests[0].StatusCode);
        Assert.Equal(2, ecs.TaskDefinitions.Count);
    }

    [Fact]
    public async Task Deploy_AfterABlindRegistrationWasThrottled_LaterUnlistedFamiliesAreDescribedFirst_AndReused()
    {
        const string thirdFlowId = "c93a1f03-3a0f-4f4d-9e5c-234567890bcd";
        await using var ecs = await FakeEcs.StartAsync();
        await using var d = await StartAsync(shared: ecs);
        await using var other = await StartAsync(shared: ecs);

        // This agent lists the families (none) with its first flow; a later flow's blind registration is throttled
        // once, and the describe that follows registers it: the throttle says other agents register too.
        await d.DeployAsync(Run(flowId: OtherFlowId, runId: "run-0"));
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.Throttling());
        await d.DeployAsync(Run());
        await other.DeployAsync(Run(flowId: thirdFlowId, runId: "run-other"));
        ecs.ClearRequests();

        // A third flow its listing did not name, which the other agent registered meanwhile: described and reused.
        await d.DeployAsync(Run(flowId: thirdFlowId, runId: "run-3"));

        Assert.Equal(["DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(3, ecs.TaskDefinitions.Count);
    }

    [Fact]
    public async Task Deploy_OtherAgentsRegisterToo_LooksAndRegistrationsTakeTurns_EachLookRightBeforeItsRegistration()
    {
        // Latency, so that concurrent looks would all go out before the first registration without the turns.
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { Latency = TimeSpan.FromMilliseconds(20) });
        await using var d = await StartAsync(shared: ecs);
        await d.DeployAsync(Run(flowId: OtherFlowId, runId: "run-0"));
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.Throttling());
        await d.DeployAsync(Run());
        ecs.ClearRequests();

        // Four new flows at once, after a throttled blind registration told this agent that others register too.
        var flows = Enumerable.Range(0, 4).Select(i => $"d{i}4b2f14-4b1f-4e5e-af6d-34567890cdef").ToList();
        await Task.WhenAll(flows.Select((flow, i) => d.DeployAsync(Run(flowId: flow, runId: $"run-turn-{i}"))));

        var steps = ecs.Requests
            .Where(r => r.Operation is "DescribeTaskDefinition" or "RegisterTaskDefinition")
            .Select(r => (r.Operation, Family: (r.Body()["taskDefinition"] ?? r.Body()["family"])!.GetValue<string>()))
            .ToList();
        Assert.Equal(8, steps.Count);
        for (var i = 0; i < steps.Count; i += 2)
        {
            Assert.Equal("DescribeTaskDefinition", steps[i].Operation);
            Assert.Equal(("RegisterTaskDefinition", steps[i].Family), steps[i + 1]);
        }
    }

    [Fact]
    public async Task Deploy_OtherAgentsRegisterToo_EachLookWaitsForTheRegisterBucket_SoItIsFreshWhenItsRegistrationGoesOut()
    {
        // A register bucket of one token a second (a half share of burst 2, 2/s, less the headroom's token): the turns are a
        // second apart, so a look that did not wait for its turn would be a second (or two) older than its registration.
        await using var ecs = await FakeEcs.StartAsync();
        await using var d = await StartAsync(
            o =>
            {
                o.EcsRateLimits.AccountShare = 0.5;
                o.EcsRateLimits.SlowStart = false;
                o.EcsRateLimits.TaskDefinitionModify = new TokenBucketOptions { Burst = 2, RatePerSecond = 2 };
            },
            shared: ecs);
        await d.DeployAsync(Run(flowId: OtherFlowId, runId: "run-0"));
        ecs.ClearRequests();

        var flows = Enumerable.Range(0, 3).Select(i => $"e{i}4b2f14-4b1f-4e5e-af6d-34567890cdef").ToList();
        await Task.WhenAll(flows.Select((flow, i) => d.DeployAsync(Run(flowId: flow, runId: $"run-fresh-{i}"))));

        // Each describe goes out when the registration after it may go, not half a second before it: a revision another
        // agent registers while this one waits for its bucket is found, not duplicated. Half a second of slack for a loaded
        // test machine.
        var steps = ecs.Requests.Where(r => r.Operation is "DescribeTaskDefinition" or "RegisterTaskDefinition").ToList();
        Assert.Equal(6, steps.Count);
        for (var i = 0; i < steps.Count; i += 2)
        {
            Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], [steps[i].Operation, steps[i + 1].Operation]);
            Assert.InRange(steps[i + 1].ReceivedAt - steps[i].ReceivedAt, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        }

        // The bucket did hold the registrations back.
        Assert.True(steps[5].ReceivedAt - steps[1].ReceivedAt >= TimeSpan.FromSeconds(1.6), $"registrations {steps[1].ReceivedAt:O} .. {steps[5].ReceivedAt:O}");
    }

    [Fact]
    public async Task Deploy_StaticAccountShare_DescribesANewFamilyBeforeRegistering_AndReusesAnotherAgentsRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using var d = await StartAsync(o => o.EcsRateLimits.AccountShare = 0.5, shared: ecs);
        await using var other = await StartAsync(o => o.EcsRateLimits.AccountShare = 0.5, shared: ecs);

        // The other agent lists the families (none) with a first flow of its own.
        await other.DeployAsync(Run(flowId: OtherFlowId, runId: "run-o"));
        ecs.ClearRequests();

        // Told it shares the account, this agent looks before registering although its listing does not name the family.
        await d.DeployAsync(Run(runId: "run-0"));
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], ecs.Operations());
        ecs.ClearRequests();

        // The other agent's listing does not name it either: it looks, finds that revision and registers none.
        await other.DeployAsync(Run(runId: "run-1"));

        Assert.Equal(["DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(2, ecs.TaskDefinitions.Count);
    }

    [Fact]
    public async Task ListTaskDefinitionFamilies_Fake_FiltersByPrefixAndStatusSortsAndPaginatesLikeEcs()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);
        foreach (var family in new[] { "prefect-task-c", "other", "prefect-task-a", "prefect-task-b", "prefect-task-d" })
        {
            ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition(family));
        }

        ecs.DeregisterTaskDefinition(ecs.TaskDefinitions.Single(t => t.Family == "prefect-task-d").Arn);

        var first = await client.ListTaskDefinitionFamiliesAsync(
            new JsonObject { ["familyPrefix"] = "prefect-task-", ["status"] = "ACTIVE", ["maxResults"] = 2 }, CancellationToken.None);
        var second = await client.ListTaskDefinitionFamiliesAsync(
            new JsonObject { ["familyPrefix"] = "prefect-task-", ["status"] = "ACTIVE", ["maxResults"] = 2, ["nextToken"] = first["nextToken"]!.DeepClone() },
            CancellationToken.None);
        var inactive = await client.ListTaskDefinitionFamiliesAsync(new JsonObject { ["status"] = "INACTIVE" }, CancellationToken.None);
        var all = await client.ListTaskDefinitionFamiliesAsync(new JsonObject(), CancellationToken.None);

        Assert.Equal(["prefect-task-a", "prefect-task-b"], Names(first));
        Assert.Equal(["prefect-task-c"], Names(second));
        Assert.Null(second["nextToken"]);
        Assert.Equal(["prefect-task-d"], Names(inactive));
        Assert.Equal(["other", "prefect-task-a", "prefect-task-b", "prefect-task-c", "prefect-task-d"], Names(all));
    }

    [Theory]
    [InlineData("""{"status":"DELETED"}""")]
    [InlineData("""{"maxResults":"100"}""")]
    [InlineData("""{"maxResults":101}""")]
    public async Task ListTaskDefinitionFamilies_Fake_RefusesWhatEcsRefuses(string body)
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.ListTaskDefinitionFamiliesAsync(JsonNode.Parse(body)!.AsObject(), CancellationToken.None));

        Assert.Contains(ex.ErrorCode, new[] { "InvalidParameterException", "SerializationException" });
    }

    private static IReadOnlyList<string> Names(JsonObject response) =>
        response["families"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
}
