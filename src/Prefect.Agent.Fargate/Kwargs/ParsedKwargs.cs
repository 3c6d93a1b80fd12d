using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The three dictionaries of the original's <c>_parse_kwargs</c>.</summary>
/// <param name="TaskDefinition">RegisterTaskDefinition settings.</param>
/// <param name="Run">RunTask settings.</param>
/// <param name="Container">Container-definition settings.</param>
internal sealed record ParsedKwargs(JsonObject TaskDefinition, JsonObject Run, JsonObject Container);
