using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

internal static class PrefectTestVariables
{
    /// <summary>The <c>version</c> a single-state <c>set_flow_run_states</c> request sent.</summary>
    public static int Version(FakePrefectRequest request) =>
        JsonNode.Parse(request.Variables!)!["input"]!["states"]![0]!["version"]!.GetValue<int>();
}
