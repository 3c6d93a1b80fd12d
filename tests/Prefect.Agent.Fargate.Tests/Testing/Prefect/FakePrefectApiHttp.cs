using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Testing.Prefect;

/// <summary>Raw GraphQL calls to the fake, as a client other than the agent would send them.</summary>
internal static class FakePrefectApiHttp
{
    private static readonly HttpClient Http = new();

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(FakePrefectApi api, string query, string variables)
    {
        var body = new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString();
        using var response = await Http.PostAsync(api.Url, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>The run ids <c>get_runs_in_queue</c> answers for the given labels (a JSON array).</summary>
    public static async Task<List<string>> QueueAsync(FakePrefectApi api, string labels = "[]")
    {
        var query = "mutation($input: get_runs_in_queue_input!) {\n    get_runs_in_queue(input: $input) {\n        flow_run_ids\n    }\n}";
        var before = TimeProvider.System.GetUtcNow().AddSeconds(10).ToString("O");
        var (status, body) = await PostAsync(api, query, "{\"input\": {\"before\": \"" + before + "\", \"labels\": " + labels + ", \"tenant_id\": \"" + api.TenantId + "\"}}");
        Assert.Equal(HttpStatusCode.OK, status);
        return body["data"]!["get_runs_in_queue"]!["flow_run_ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
    }
}
