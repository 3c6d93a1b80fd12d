using System.Text.Json;
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

/// <summary>One GraphQL error.</summary>
internal sealed class GraphQLResponseError
{
    /// <summary>Gets or sets the message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Gets or sets the path (strings and list indexes).</summary>
    [JsonPropertyName("path")]
    public List<JsonElement>? Path { get; set; }

    /// <summary>Gets or sets the extensions (its <c>code</c> is used).</summary>
    [JsonPropertyName("extensions")]
    public JsonObject? Extensions { get; set; }
}

/// <summary>Source-generated serialization of the response envelope (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(GraphQLResponse))]
internal sealed partial class PrefectJsonContext : JsonSerializerContext
{
}
