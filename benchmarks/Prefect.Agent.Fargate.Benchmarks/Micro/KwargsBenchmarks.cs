using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary>Kwargs parsing (once per agent, and once per run with external kwargs) and planning a run's requests (once per run).</summary>
[MemoryDiagnoser]
public class KwargsBenchmarks
{
    private Dictionary<string, JsonNode?> kwargs = null!;
    private DeploymentPlanner planner = null!;
    private FlowRun run = null!;

    [GlobalSetup]
    public void Setup()
    {
        kwargs = BenchmarkData.AgentKwargs();
        var options = new AgentOptions { Kwargs = kwargs, Labels = ["bench"] };
        planner = new DeploymentPlanner(options, KwargsParser.Parse(kwargs, static _ => null));
        run = Prefect.PrefectFlowRunReader.Read(BenchmarkData.FlowRunNode(7));
    }

    [Benchmark(Description = "KwargsParser.Parse (5 kwargs, 2 Python literals)")]
    public object ParseKwargs() => KwargsParser.Parse(kwargs, static _ => null);

    [Benchmark(Description = "DeploymentPlanner.Plan (task definition + RunTask body)")]
    public object PlanRun() => planner.Plan(run, 3, externalKwargs: null);
}
