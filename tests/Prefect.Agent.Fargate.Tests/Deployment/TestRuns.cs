using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Deployment;

internal static class TestRuns
{
    public const string FlowId = "a718df81-1f8e-4d2b-9c3a-0123456789ab";
    public const string RunId = "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";

    public static FlowRun Run(
        string flowName = "flow #1",
        JsonObject? storage = null,
        JsonObject? runConfig = null,
        JsonObject? environment = null,
        string? coreVersion = "0.15.0",
        int? flowVersion = 3)
        => new()
        {
            Id = RunId,
            Version = 1,
            RunConfig = runConfig,
            Flow = new FlowInfo
            {
                Id = FlowId,
                Name = flowName,
                Storage = storage,
                Environment = environment,
                CoreVersion = coreVersion,
                Version = flowVersion,
            },
        };

    public static JsonObject Docker(string? registry, string? name, string? tag)
        => new() { ["type"] = "Docker", ["registry_url"] = registry, ["image_name"] = name, ["image_tag"] = tag, ["__version__"] = "0.15.0" };
}
