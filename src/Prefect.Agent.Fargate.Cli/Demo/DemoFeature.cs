using System.Diagnostics.CodeAnalysis;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>
/// Whether this build carries the demo: the fake Prefect API and fake ECS, with the HttpListener server they run on.
/// </summary>
/// <remarks>
/// The Native AOT binary leaves it out by default (<c>-p:IncludeDemo=true</c> keeps it): the trimmer then drops the
/// fakes (5.3 MB of the 20.4 MB binary when they ran on Kestrel), and the agent's resident memory shrinks by as much,
/// because a running binary's file pages count in its RSS (benchmarks/README.md). The dotnet tool packages keep it.
/// </remarks>
internal static class DemoFeature
{
    public const string SwitchName = "Prefect.Agent.Fargate.Cli.IsDemoSupported";

    [FeatureSwitchDefinition(SwitchName)]
    public static bool IsSupported => !AppContext.TryGetSwitch(SwitchName, out var supported) || supported;
}
