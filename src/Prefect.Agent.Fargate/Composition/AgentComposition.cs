using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Composition;

/// <summary>
/// The pure collaborators the agent is composed from: the environment lookup, the Python-literal parser, the kwargs
/// parser and the planner factory. Production uses <see cref="Default"/>; tests substitute fakes (through the agent's
/// internal constructor, or by registering an instance in the service collection before <c>AddFargateAgent</c>).
/// </summary>
internal sealed class AgentComposition
{
    public static AgentComposition Default { get; } = new();

    public Func<string, string?> Environment { get; init; } = global::System.Environment.GetEnvironmentVariable;

    public Func<string, JsonNode?> ParseLiteral { get; init; } = PythonLiteral.Parse;

    public Func<IEnumerable<KeyValuePair<string, JsonNode?>>, Func<string, string?>?, ParsedKwargs> ParseKwargs { get; init; } =
        KwargsParser.Parse;

    public Func<AgentOptions, ParsedKwargs, IDeploymentPlanner> CreatePlanner { get; init; } =
        (options, kwargs) => new DeploymentPlanner(options, kwargs);

    /// <summary>
    /// Gets the process exit code setter a host uses when its agent failed (<see cref="FatalErrorBehavior.StopHost"/>):
    /// <see cref="System.Environment.ExitCode"/>, unless something already set a non-zero one. Tests substitute it.
    /// </summary>
    public Action<int> SetExitCode { get; init; } = static code =>
    {
        if (global::System.Environment.ExitCode == 0)
        {
            global::System.Environment.ExitCode = code;
        }
    };
}
