using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Prefect.Agent.Fargate.Prefect;

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
