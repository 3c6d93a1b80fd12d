using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Testing.Prefect;

using static Prefect.Agent.Fargate.Tests.Testing.Prefect.FakePrefectApiHttp;

namespace Prefect.Agent.Fargate.Tests.Testing.Prefect;

// The fake matches flow_run filters on rows of only the columns a filter reads, and looks up the runs a filter names
// by id, then builds full rows for the matches: these pin that the answers are those of matching every full row.
public sealed class FakePrefectApiFilterTests
{
    [Fact]
    public async Task FlowRun_IdsAndStateOrTaskRuns_ReturnsTheScheduledNamedRunsInOrderWithFullRows()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var first = api.AddScheduledFlowRun("f", labels: ["a"]);
        var submitted = api.AddScheduledFlowRun("f");
        var notNamed = api.AddScheduledFlowRun("f");
        var last = api.AddScheduledFlowRun("g", image: "registry.example/g:1");
        await SetStateAsync(api, submitted, "Submitted");

        // The agent's own shape of query: ids named, then state Scheduled or Running with a due task run.
        var rows = await FlowRunsAsync(
            api,
            "id: { _in: [\"" + last.Id + "\", \"" + submitted.Id + "\", \"" + first.Id + "\"] }, _or: [{ state: { _eq: \"Scheduled\" } }, { state: { _eq: \"Running\" }, task_runs: { state_start_time: { _lte: \"2100-01-01T00:00:00+00:00\" } } }]",
            "id state version labels flow { name } run_config");

        Assert.Equal([first.Id, last.Id], rows.Select(r => r["id"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal("Scheduled", r["state"]!.GetValue<string>()));
        Assert.Equal("a", rows[0]["labels"]![0]!.GetValue<string>());
        Assert.Equal("g", rows[1]["flow"]!["name"]!.GetValue<string>());
        Assert.Equal("registry.example/g:1", rows[1]["run_config"]!["image"]!.GetValue<string>());
        Assert.DoesNotContain(rows, r => r["id"]!.GetValue<string>() == notNamed.Id);
    }

    [Fact]
    public async Task FlowRun_IdInUpperCase_MatchesTheRunAsAUuid()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var run = api.AddScheduledFlowRun("f");
        api.AddScheduledFlowRun("f");

        var rows = await FlowRunsAsync(api, "id: { _eq: \"" + run.Id.ToUpperInvariant() + "\" }", "id version");

        Assert.Equal(run.Id, Assert.Single(rows)["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task FlowRun_IdNamedTwiceAndUnknownId_ReturnsTheRunOnce()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var run = api.AddScheduledFlowRun("f");

        var rows = await FlowRunsAsync(api, "id: { _in: [\"" + run.Id + "\", \"" + run.Id + "\", \"" + Guid.NewGuid() + "\"] }", "id");

        Assert.Equal(run.Id, Assert.Single(rows)["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task FlowRun_NotOnNestedFlowNameAndNeqId_FiltersOnColumnsTheAgentDoesNotUse()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var f1 = api.AddScheduledFlowRun("f");
        var g = api.AddScheduledFlowRun("g");
        var f2 = api.AddScheduledFlowRun("f");

        var notG = await FlowRunsAsync(api, "_not: { flow: { name: { _eq: \"g\" } } }", "id");
        var fButNotFirst = await FlowRunsAsync(api, "_and: [{ flow: { name: { _eq: \"f\" } } }, { id: { _neq: \"" + f1.Id + "\" } }]", "id name");

        Assert.Equal([f1.Id, f2.Id], notG.Select(r => r["id"]!.GetValue<string>()));
        Assert.Equal(f2.Id, Assert.Single(fButNotFirst)["id"]!.GetValue<string>());
        Assert.Equal(f2.Name, fButNotFirst[0]["name"]!.GetValue<string>());
        Assert.DoesNotContain(notG, r => r["id"]!.GetValue<string>() == g.Id);
    }

    [Fact]
    public async Task GetRunsInQueue_RunRescheduledToLaterOrSubmitted_IsNoLongerQueued()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var kept = api.AddScheduledFlowRun("f");
        var later = api.AddScheduledFlowRun("f");
        var submitted = api.AddScheduledFlowRun("f");
        var before = await QueueAsync(api);

        await SetStateAsync(api, later, "Scheduled", TimeProvider.System.GetUtcNow().AddHours(1));
        await SetStateAsync(api, submitted, "Submitted");
        var after = await QueueAsync(api);

        Assert.Equal([kept.Id, later.Id, submitted.Id], before);
        Assert.Equal([kept.Id], after);
    }

    [Fact]
    public async Task Requests_RecordWhenEachArrivedOnTheFakesClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { TimeProvider = time });

        await PostAsync(api, "query { hello }", "null");
        time.Advance(TimeSpan.FromSeconds(5));
        await PostAsync(api, "query { hello ", "null");

        Assert.Equal([time.Start, time.Start.AddSeconds(5)], api.Requests.Select(r => r.ReceivedAt));
    }

    [Fact]
    public void ColumnsOf_AndOrNotAndNestedConditions_ListsTheTopLevelColumnsRead()
    {
        var where = (JsonObject)JsonNode.Parse(
            """{"id": {"_in": []}, "_or": [{"state": {"_eq": "Scheduled"}}, {"_and": [{"task_runs": {"state": {"_eq": "x"}}}]}], "_not": {"flow": {"name": {"_eq": "g"}}}, "_and": "not a list"}""")!;

        var columns = FakeGraphQLJson.ColumnsOf(where);

        Assert.Equal(["flow", "id", "state", "task_runs"], columns.Order(StringComparer.Ordinal));
    }

    private static async Task SetStateAsync(FakePrefectApi api, FakeFlowRun run, string type, DateTimeOffset? startTime = null)
    {
        var state = new JsonObject { ["type"] = type, ["message"] = "m" };
        if (startTime is { } start)
        {
            state["start_time"] = start.ToString("O");
        }

        var input = new JsonObject { ["states"] = new JsonArray(new JsonObject { ["state"] = state, ["flow_run_id"] = run.Id, ["version"] = run.Version }) };
        var query = "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            status\n        }\n    }\n}";
        var (status, body) = await PostAsync(api, query, new JsonObject { ["input"] = input }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", body["data"]!["set_flow_run_states"]!["states"]![0]!["status"]!.GetValue<string>());
    }

    private static async Task<List<JsonObject>> FlowRunsAsync(FakePrefectApi api, string where, string fields)
    {
        var (status, body) = await PostAsync(api, "query {\n    flow_run(where: { " + where + " }) {\n        " + fields + "\n    }\n}", "null");
        Assert.Equal(HttpStatusCode.OK, status);
        return body["data"]!["flow_run"]!.AsArray().Select(r => (JsonObject)r!).ToList();
    }
}
