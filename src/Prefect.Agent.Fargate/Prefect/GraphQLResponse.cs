using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The GraphQL-over-HTTP response envelope.</summary>
internal sealed class GraphQLResponse
{
    /// <summary>Gets or sets the <c>data</c> object.</summary>
    [JsonPropertyName("data")]
    public JsonObject? Data { get; set; }

    /// <summary>Gets or sets the <c>errors</c> array.</summary>
    [JsonPropertyName("errors")]
    public List<GraphQLResponseError>? Errors { get; set; }
}
