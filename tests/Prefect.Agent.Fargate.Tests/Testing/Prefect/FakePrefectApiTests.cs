using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Prefect;

using static Prefect.Agent.Fargate.Tests.Testing.Prefect.FakePrefectApiHttp;

namespace Prefect.Agent.Fargate.Tests.Testing.Prefect;

public sealed class FakePrefectApiTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task FlowRun_OrderByLimitAndOffset_AreHasura()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var start = new DateTimeOffset(2021, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var late = api.AddScheduledFlowRun("f", start.AddMinutes(3));
        var early = api.AddScheduledFlowRun("f", start.AddMinutes(1));
        var middle = api.AddScheduledFlowRun("f", start.AddMinutes(2));
        var excluded = api.AddScheduledFlowRun("f", start);

        async Task<List<string>> IdsAsync(string arguments)
        {
            var (status, body) = await PostAsync(api, "query {\n    flow_run(" + arguments + ") {\n        id\n    }\n}", "null");
            Assert.Equal(HttpStatusCode.OK, status);
            return body["data"]!["flow_run"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();
        }

        var notExcluded = "where: { id: { _nin: [\"" + excluded.Id.ToUpperInvariant() + "\"] } }";
        Assert.Equal([early.Id, middle.Id, late.Id], await IdsAsync(notExcluded + ", order_by: [{ state_start_time: asc }]"));
        Assert.Equal([late.Id, middle.Id], await IdsAsync(notExcluded + ", order_by: { state_start_time: desc }, limit: 2"));
        Assert.Equal([middle.Id], await IdsAsync(notExcluded + ", order_by: [{ state_start_time: asc }], limit: 1, offset: 1"));
    }

    [Fact]
    public async Task Post_UnknownField_IsRejectedWith400ValidationError()
    {
        await using var api = await FakePrefectApi.StartAsync();

        var (status, body) = await PostAsync(api, "query { flow_run { id no_such_field } }", "null");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Contains("no_such_field", body["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WrongVariableType_IsRejected()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var query = "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            id\n        }\n    }\n}";
        var variables = "{\"input\": {\"states\": [{\"state\": {\"type\": \"Submitted\"}, \"flow_run_id\": \"" + Guid.NewGuid() + "\", \"version\": \"two\"}]}}";

        var (status, body) = await PostAsync(api, query, variables);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("version", body["errors"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MissingRequiredInputField_IsRejected()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var query = "mutation($input: get_runs_in_queue_input!) {\n    get_runs_in_queue(input: $input) {\n        flow_run_ids\n    }\n}";

        var (status, body) = await PostAsync(api, query, "{\"input\": {\"before\": \"2021-07-01T12:00:10+00:00\", \"labels\": []}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("tenant_id", body["errors"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("register_agent", "{\"input\": {\"name\": \"a\", \"labels\": []}}", "$input.type")]
    [InlineData("set_task_run_states", "{\"input\": {\"states\": [{\"state\": {}, \"version\": 1}]}}", "$input.states[0].task_run_id")]
    [InlineData("set_flow_run_states", "{\"input\": {\"states\": [{\"flow_run_id\": \"8c1b2f9e-1f7e-4a55-9d43-4f1a86b2a111\", \"version\": 1}]}}", "$input.states[0].state")]
    [InlineData("write_run_logs", "{\"input\": {\"logs\": [{\"name\": \"a\", \"message\": \"m\", \"level\": \"INFO\"}]}}", "$input.logs[0].flow_run_id")]
    [InlineData("write_run_logs", "{\"input\": {\"logs\": [{\"flow_run_id\": \"8c1b2f9e-1f7e-4a55-9d43-4f1a86b2a111\", \"level\": \"VERBOSE\"}]}}", "$input.logs[0].level")]
    [InlineData("get_runs_in_queue", "{\"input\": {\"tenant_id\": \"8c1b2f9e-1f7e-4a55-9d43-4f1a86b2a111\", \"before\": \"yesterday\"}}", "$input.before")]
    public async Task Post_InvalidMutationInput_IsRejectedNamingTheField(string field, string variables, string badField)
    {
        await using var api = await FakePrefectApi.StartAsync();
        var inputType = field + "_input";
        var query = "mutation($input: " + inputType + "!) {\n    " + field + "(input: $input) {\n        __typename\n    }\n}";

        var (status, body) = await PostAsync(api, query, variables);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body["errors"]!.AsArray())!;
        Assert.Contains("Variable '" + badField + "' is invalid", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("BAD_USER_INPUT", error["extensions"]!["code"]!.GetValue<string>());
        Assert.Empty(api.Agents);
        Assert.Empty(api.Logs);
    }

    [Fact]
    public async Task Post_InvalidUuidLiteral_IsRejected()
    {
        await using var api = await FakePrefectApi.StartAsync();

        var (status, _) = await PostAsync(api, "query {\n    flow_run(where: { id: { _in: [\"not-a-uuid\"] } }) {\n        id\n    }\n}", "null");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Post_VariablesAsObjectNotString_IsRejected()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var body = "{\"query\": \"query { hello }\", \"variables\": {}}";

        using var response = await Http.PostAsync(api.Url, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON-encoded string", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AuthInfoOnServer_IsRejectedBecauseServerHasNoAuthInfo()
    {
        await using var api = await FakePrefectApi.StartAsync();

        var (status, _) = await PostAsync(api, "query { auth_info { tenant_id } }", "null");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Post_SyntaxError_IsRejectedAsParseFailure()
    {
        await using var api = await FakePrefectApi.StartAsync();

        var (status, body) = await PostAsync(api, "query { hello ", "null");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("GRAPHQL_PARSE_FAILED", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_CloudWithoutAuthorization_AnswersUnauthenticated()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey });

        var (status, body) = await PostAsync(api, "query { hello }", "null");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("UNAUTHENTICATED", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRunsInQueue_MatchesRunsWhoseLabelsAreASubsetOfTheAgentLabels()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var unlabeled = api.AddScheduledFlowRun("f");
        var subset = api.AddScheduledFlowRun("f", labels: ["a"]);
        var exact = api.AddScheduledFlowRun("f", labels: ["a", "b"]);
        api.AddScheduledFlowRun("f", labels: ["a", "c"]);
        api.AddScheduledFlowRun("f", startTime: TimeProvider.System.GetUtcNow().AddHours(1), labels: ["a"]);

        var withLabels = await QueueAsync(api, "[\"a\", \"b\"]");
        var withoutLabels = await QueueAsync(api, "[]");

        Assert.Equal([subset.Id, exact.Id], withLabels);
        Assert.Equal([unlabeled.Id], withoutLabels);
    }

    [Fact]
    public async Task GetRunsInQueue_ReturnsAtMostThePageSizeOrderedByStartTime()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { QueuePageSize = 3 });
        var now = TimeProvider.System.GetUtcNow();
        var runs = Enumerable.Range(0, 5).Select(i => api.AddScheduledFlowRun("f", startTime: now.AddMinutes(-i))).ToList();

        var ids = await QueueAsync(api, "[]");

        Assert.Equal([runs[4].Id, runs[3].Id, runs[2].Id], ids);
    }

    [Fact]
    public async Task SetFlowRunStates_StaleVersion_FailsWithVersionLockingErrorAndKeepsState()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var run = api.AddScheduledFlowRun("f");
        var query = "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            id\n            status\n        }\n    }\n}";
        string Variables(int version) => "{\"input\": {\"states\": [{\"state\": {\"type\": \"Submitted\", \"message\": \"m\"}, \"flow_run_id\": \"" + run.Id + "\", \"version\": " + version + "}]}}";

        var (okStatus, ok) = await PostAsync(api, query, Variables(run.Version));
        var (staleStatus, stale) = await PostAsync(api, query, Variables(run.Version - 1));

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("SUCCESS", ok["data"]!["set_flow_run_states"]!["states"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, staleStatus);
        Assert.Equal("VERSION_LOCKING_ERROR", stale["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("set_flow_run_states", stale["errors"]![0]!["path"]![0]!.GetValue<string>());
        Assert.Equal($"State update failed for flow run ID {run.Id}", stale["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("Submitted", run.State);
        Assert.Equal(3, run.Version);
        Assert.Single(run.States);
    }

    [Fact]
    public async Task SetFlowRunStates_OneStaleEntryInABatch_AppliesTheOthersAndAnswersTheError()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var first = api.AddScheduledFlowRun("f");
        var stale = api.AddScheduledFlowRun("f");
        var last = api.AddScheduledFlowRun("f");
        var query = "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            id\n        }\n    }\n}";
        string Entry(FakeFlowRun run, int version) => "{\"state\": {\"type\": \"Submitted\", \"message\": \"m\"}, \"flow_run_id\": \"" + run.Id + "\", \"version\": " + version + "}";

        var (status, body) = await PostAsync(api, query, "{\"input\": {\"states\": [" + Entry(first, first.Version) + ", " + Entry(stale, stale.Version - 1) + ", " + Entry(last, last.Version) + "]}}");

        // Prefect Server sets each entry on its own (asyncio.gather): the call fails, yet the good entries are applied.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"State update failed for flow run ID {stale.Id}", body["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(["Submitted", "Scheduled", "Submitted"], new[] { first, stale, last }.Select(r => r.State));
    }
}
