using System.Net;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Prefect;

using static Prefect.Agent.Fargate.Tests.Testing.Prefect.FakePrefectApiHttp;

namespace Prefect.Agent.Fargate.Tests.Testing.Prefect;

/// <summary>The knobs that move a run as its flow runner or a user would: the API answers the new state and version.</summary>
public sealed class FakePrefectApiStateKnobTests
{
    [Fact]
    public async Task SetFlowRunRunningCancellingCancelled_BumpVersionAndAreWhatTheApiAnswers()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var run = api.AddScheduledFlowRun("f");
        var start = run.Version;

        var running = api.SetFlowRunRunning(run.Id);
        var afterRunning = await StateAsync(api, run);
        var cancelling = api.SetFlowRunCancelling(run.Id);
        var cancelled = api.SetFlowRunCancelled(run.Id);
        var afterCancelled = await StateAsync(api, run);

        Assert.Equal([start + 1, start + 2, start + 3], [running, cancelling, cancelled]);
        Assert.Equal(("Running", start + 1), afterRunning);
        Assert.Equal(("Cancelled", start + 3), afterCancelled);
        Assert.Equal(["Running", "Cancelling", "Cancelled"], run.States.Select(s => s.Type));
        Assert.All(run.States, s => Assert.Null(s.AgentId));
        Assert.Equal("Running flow.", run.States[0].Message);
    }

    [Fact]
    public async Task SetFlowRunState_AfterAnAgentReadTheRun_ItsVersionLockedUpdateIsRefused()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var run = api.AddScheduledFlowRun("f");
        var read = run.Version;

        api.SetFlowRunState(run.Id, "Running", "started elsewhere");
        var input = new JsonObject { ["states"] = new JsonArray(new JsonObject { ["state"] = new JsonObject { ["type"] = "Failed", ["message"] = "m" }, ["flow_run_id"] = run.Id, ["version"] = read }) };
        var (status, body) = await PostAsync(api, "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            status\n        }\n    }\n}", new JsonObject { ["input"] = input }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body["errors"]);
        Assert.Equal("Running", run.State);
        Assert.Equal("started elsewhere", run.StateMessage);
    }

    [Fact]
    public async Task SetFlowRunState_UnknownRun_Throws()
    {
        await using var api = await FakePrefectApi.StartAsync();

        Assert.Throws<KeyNotFoundException>(() => api.SetFlowRunRunning(Guid.NewGuid().ToString()));
    }

    private static async Task<(string State, int Version)> StateAsync(FakePrefectApi api, FakeFlowRun run)
    {
        var (status, body) = await PostAsync(api, "query {\n    flow_run(where: { id: { _eq: \"" + run.Id + "\" } }) {\n        state\n        version\n    }\n}", "null");
        Assert.Equal(HttpStatusCode.OK, status);
        var row = body["data"]!["flow_run"]![0]!;
        return (row["state"]!.GetValue<string>(), row["version"]!.GetValue<int>());
    }
}
