using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Cli.Tests.Packaging;

/// <summary>What the tool's framework-dependent build asks of the machine, read from its runtimeconfig (no packing).</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Build_RuntimeConfig_NeedsOnlyMicrosoftNetCoreApp()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "prefect-fargate-agent.runtimeconfig.json");
        var options = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!;

        // The demo's fakes serve HTTP on the plain runtime (no ASP.NET Core): `start` runs on a runtime-only image.
        Assert.Equal("Microsoft.NETCore.App", options["framework"]?["name"]?.GetValue<string>());
        Assert.Null(options["frameworks"]);
        Assert.Null(options["includedFrameworks"]);
    }

    [Fact]
    public void Build_RuntimeConfig_KeepsTheJitBuildsFeatures()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "prefect-fargate-agent.runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!.AsObject();

        // Native AOT is for the RID package only: the JIT build keeps reflection-based JSON, dynamic code and the
        // demo's schema validation.
        Assert.False(properties.ContainsKey("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"));
        Assert.False(properties.ContainsKey("Prefect.Agent.Fargate.Testing.FakePrefectApi.IsSchemaValidationSupported"));
        Assert.False(properties.ContainsKey("Prefect.Agent.Fargate.Cli.IsDemoSupported"));
    }
}
