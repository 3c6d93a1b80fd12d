using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourceStateTests
{
    [Fact]
    public async Task MarkSubmittedAsync_ScheduledRun_SendsSubmittedWithNestedPreviousStateAndClaimsNextVersion()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddScheduledFlowRun("f", new DateTimeOffset(2021, 7, 1, 12, 0, 0, TimeSpan.Zero));
        var run = await SingleRunAsync(source);

        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        Assert.True(claim.IsClaimed);
        Assert.Equal(3, claim.Version);
        Assert.Equal(fake.Version, claim.Version);
        Assert.Equal("Submitted", fake.State);
        var request = api.Requests.Single(r => r.Operation == "set_flow_run_states");
        Assert.Equal(
            "{\"input\": {\"states\": [{\"state\": {\"type\": \"Submitted\", \"__version__\": \"0.15.0\", \"message\": \"Submitted for execution\", \"context\": {}, \"cached_inputs\": {}, "
            + "\"_result\": {\"type\": \"NoResultType\", \"__version__\": \"0.15.0\"}, \"state\": {\"type\": \"Scheduled\", \"__version__\": \"0.15.0\", \"message\": \"Flow run scheduled.\", "
            + "\"context\": {}, \"cached_inputs\": {}, \"_result\": {\"type\": \"NoResultType\", \"__version__\": \"0.15.0\"}, \"start_time\": \"2021-07-01T12:00:00+00:00\"}}, "
            + "\"flow_run_id\": \"" + run.Id + "\", \"version\": 2}]}}",
            request.Variables);
        Assert.Equal("mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            id\n            status\n            message\n        }\n    }\n}", request.Query);
        Assert.Equal(api.Agents[0].Id, fake.States[0].AgentId);
    }

    [Fact]
    public async Task MarkSubmittedAsync_ScheduledTaskRuns_AreSubmittedInOneCallWithPeriod()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddFlowRun(new FakeFlowRunOptions
        {
            FlowName = "f",
            TaskRuns = [new FakeTaskRunOptions { State = "Scheduled", Version = 3 }, new FakeTaskRunOptions { State = "Pending" }, new FakeTaskRunOptions { State = "Retrying" }],
        });
        var run = await SingleRunAsync(source);

        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        Assert.True(claim.IsClaimed);
        Assert.Equal(1, api.CountRequests("set_task_run_states"));
        Assert.Equal(["Submitted", "Pending", "Submitted"], fake.TaskRuns.Select(t => t.State));
        Assert.Equal(4, fake.TaskRuns[0].Version);
        Assert.Equal("Submitted for execution.", fake.TaskRuns[0].States[0].Message);
        Assert.Equal("Scheduled", fake.TaskRuns[0].SerializedState["state"]!["type"]!.GetValue<string>());
        var states = Variables(api.Requests.Single(r => r.Operation == "set_task_run_states"))["input"]!["states"]!.AsArray();
        Assert.Equal(["state", "task_run_id", "version"], states[0]!.AsObject().Select(p => p.Key));
        Assert.Equal(3, states[0]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task MarkSubmittedAsync_RunningRun_OnlyUpdatesTaskRunsAndKeepsVersion()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddFlowRun(new FakeFlowRunOptions { FlowName = "f", State = "Running", StartTime = TimeProvider.System.GetUtcNow().AddMinutes(-1), TaskRuns = [new FakeTaskRunOptions { State = "Scheduled", StartTime = TimeProvider.System.GetUtcNow().AddMinutes(-1) }] });
        var run = await SingleRunAsync(source);

        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        Assert.Equal(FlowRunClaim.Claimed(2), claim);
        Assert.Equal(0, api.CountRequests("set_flow_run_states"));
        Assert.Equal("Running", fake.State);
        Assert.Equal("Submitted", fake.TaskRuns[0].State);
    }

    [Fact]
    public async Task MarkSubmittedAsync_AnotherAgentWasFirst_ReturnsTakenByAnotherAgent()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddScheduledFlowRun("f");
        var run = await SingleRunAsync(source);
        using var other = Source(Options(api));
        await other.MarkSubmittedAsync(run, CancellationToken.None);

        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        Assert.Equal(FlowRunClaim.TakenByAnotherAgent(), claim);
        Assert.Single(fake.States);
    }

    [Fact]
    public async Task MarkSubmittedAsync_ManyRunsAtOnce_ClaimsThemInBatchesEachWithItsOwnVersion()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fakes = Enumerable.Range(0, 10).Select(_ => api.AddScheduledFlowRun("f")).ToList();
        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [], Exclude = [], MaxRuns = 25 }, CancellationToken.None);

        var claims = await Task.WhenAll(page.Runs.Select(run => source.MarkSubmittedAsync(run, CancellationToken.None)));

        Assert.All(claims, claim => Assert.Equal(FlowRunClaim.Claimed(3), claim));
        Assert.All(fakes, fake => Assert.Equal(("Submitted", api.Agents[0].Id), (fake.State, fake.AgentId)));
        var calls = api.Requests.Where(r => r.Operation == "set_flow_run_states").Select(r => Variables(r)["input"]!["states"]!.AsArray()).ToList();
        Assert.True(calls.Count < 10, $"{calls.Count} set_flow_run_states calls for 10 runs claimed together");
        var sent = calls.SelectMany(states => states).Select(s => (s!["flow_run_id"]!.GetValue<string>(), s["version"]!.GetValue<int>())).ToList();
        Assert.Equal(page.Runs.Select(r => (r.Id, r.Version)).Order(), sent.Order());
    }

    [Fact]
    public async Task MarkSubmittedAsync_BatchFailsOnARunAnotherAgentTook_ClaimsTheRestAndReportsThatOneTaken()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fakes = Enumerable.Range(0, 6).Select(_ => api.AddScheduledFlowRun("f")).ToList();
        var runs = (await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [], Exclude = [], MaxRuns = 25 }, CancellationToken.None)).Runs;
        using var other = Source(Options(api));
        await other.RegisterAgentAsync(Registration(), CancellationToken.None);
        var taken = runs[^1];
        Assert.True((await other.MarkSubmittedAsync(taken, CancellationToken.None)).IsClaimed);

        var claims = await Task.WhenAll(runs.Select(run => source.MarkSubmittedAsync(run, CancellationToken.None)));

        // The batch carrying the taken run fails as a whole while the backend applies the others: each is then
        // claimed alone and recognised as ours, so no run is lost, none is deployed twice, and no state is written twice.
        Assert.Equal(runs.Select(r => r == taken ? FlowRunClaim.TakenByAnotherAgent() : FlowRunClaim.Claimed(3)), claims);
        Assert.All(fakes, fake => Assert.Single(fake.States));
        Assert.Equal(
            runs.Select(r => r == taken ? api.Agents[1].Id : api.Agents[0].Id),
            runs.Select(r => fakes.Single(f => f.Id == r.Id).AgentId));
        Assert.True(api.CountRequests("set_flow_run_states") > 1);
    }

    [Fact]
    public async Task MarkSubmittedAsync_RetryAfterLostResponse_RecognisesItsOwnSubmitted()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddScheduledFlowRun("f");
        var run = await SingleRunAsync(source);
        api.InjectFault(FakePrefectFault.LostResponse(), operation: "set_flow_run_states");

        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        Assert.Equal(FlowRunClaim.Claimed(3), claim);
        Assert.Equal([502, 200], api.Requests.Where(r => r.Operation == "set_flow_run_states").Select(r => r.StatusCode));
        Assert.Equal(api.Agents[0].Id, fake.AgentId);
        Assert.Single(fake.States);
    }

    [Fact]
    public async Task MarkSubmittedAsync_RetryWhenAnotherAgentWon_StillReportsTaken()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddScheduledFlowRun("f");
        var run = await SingleRunAsync(source);
        using var other = Source(Options(api));
        await other.RegisterAgentAsync(Registration(), CancellationToken.None);
        api.InjectFault(FakePrefectFault.ServerError(503), operation: "set_flow_run_states");

        var mine = source.MarkSubmittedAsync(run, CancellationToken.None);
        var theirs = await other.MarkSubmittedAsync(run, CancellationToken.None);
        var claim = await mine;

        // Whichever call the 503 hit retries; exactly one agent owns the run, and the backend agrees which.
        Assert.NotEqual(theirs.IsClaimed, claim.IsClaimed);
        Assert.Equal(claim.IsClaimed ? api.Agents[0].Id : api.Agents[1].Id, fake.AgentId);
        Assert.Single(fake.States);
    }

    [Fact]
    public async Task MarkFailedAsync_UsesTheGivenVersion()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var fake = api.AddScheduledFlowRun("f");
        var run = await SingleRunAsync(source);
        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);

        await source.MarkFailedAsync(run, claim.Version, "'tags'", CancellationToken.None);

        Assert.Equal("Failed", fake.State);
        Assert.Equal("'tags'", fake.StateMessage);
        Assert.Equal(4, fake.Version);
        var failed = Variables(api.Requests.Last(r => r.Operation == "set_flow_run_states"))["input"]!["states"]![0]!;
        Assert.Equal(3, failed["version"]!.GetValue<int>());
        Assert.Equal(
            "{\"type\":\"Failed\",\"__version__\":\"0.15.0\",\"message\":\"\\u0027tags\\u0027\",\"context\":{},\"cached_inputs\":{},\"_result\":{\"type\":\"NoResultType\",\"__version__\":\"0.15.0\"}}",
            failed["state"]!.ToJsonString());
    }

    [Fact]
    public async Task MarkFailedAsync_StaleVersion_ThrowsApiExceptionWithCodeAndPath()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.AddScheduledFlowRun("f");
        var run = await SingleRunAsync(source);
        await source.MarkSubmittedAsync(run, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<PrefectApiException>(() => source.MarkFailedAsync(run, run.Version, "boom", CancellationToken.None));

        Assert.Equal("VERSION_LOCKING_ERROR", ex.Code);
        Assert.Equal(["set_flow_run_states"], ex.Errors[0].Path);
        Assert.Equal("set_flow_run_states", ex.Operation);
    }

    private static async Task<FlowRun> SingleRunAsync(Fargate.Prefect.PrefectFlowRunSource source) =>
        Assert.Single((await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None)).Runs);
}
