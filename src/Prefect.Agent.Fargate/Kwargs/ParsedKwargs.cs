using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The three dictionaries of the original's <c>_parse_kwargs</c>.</summary>
/// <param name="TaskDefinition">RegisterTaskDefinition settings.</param>
/// <param name="Run">RunTask settings.</param>
/// <param name="Container">Container-definition settings.</param>
internal sealed record ParsedKwargs(JsonObject TaskDefinition, JsonObject Run, JsonObject Container)
{
    /// <summary>Gets the keys that were dropped because no dictionary takes them (container keys as <c>containerDefinitions[0].key</c>).</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];

    /// <summary>Gets the keys whose value came from an environment variable (the variable's name).</summary>
    public IReadOnlyList<string> KeysFromEnvironment { get; init; } = [];
}
