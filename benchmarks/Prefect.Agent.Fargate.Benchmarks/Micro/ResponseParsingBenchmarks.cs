using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Prefect.Agent.Fargate.Prefect;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary>Parsing what the backends answer: a page of 25 flow runs from Prefect, and a RunTask answer from ECS.</summary>
[MemoryDiagnoser]
public class ResponseParsingBenchmarks
{
    private byte[] flowRunPage = null!;
    private byte[] runTaskResponse = null!;

    [GlobalSetup]
    public void Setup()
    {
        flowRunPage = BenchmarkData.FlowRunPage();
        runTaskResponse = BenchmarkData.RunTaskResponse();
    }

    [Benchmark(Description = "flow_run page (25 runs): JsonNode.Parse + PrefectFlowRunReader.Read")]
    public List<FlowRun> ParseFlowRunPage()
    {
        var data = JsonNode.Parse(flowRunPage)!["data"]!["flow_run"]!.AsArray();
        var runs = new List<FlowRun>(data.Count);
        foreach (var node in data)
        {
            runs.Add(PrefectFlowRunReader.Read((JsonObject)node!));
        }

        return runs;
    }

    [Benchmark(Description = "RunTask answer: JsonNode.Parse")]
    public JsonNode? ParseRunTaskResponse() => JsonNode.Parse(runTaskResponse);

    [Benchmark(Description = "GraphQL request body: PrefectGraphQLClient.BuildBody (get_runs_in_queue)")]
    public string BuildGraphQLBody() => PrefectGraphQLClient.BuildBody(
        PrefectQueries.GetRunsInQueue,
        new JsonObject { ["input"] = new JsonObject { ["before"] = "2026-11-27T21:00:10.000000+00:00", ["labels"] = new JsonArray("bench"), ["tenant_id"] = "00000000-0000-4000-8000-000000000000" } });
}
