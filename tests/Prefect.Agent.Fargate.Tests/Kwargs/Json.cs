using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

/// <summary>Compact JSON text for assertions (non-ASCII and quotes unescaped so expectations stay readable).</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Of(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    /// <summary>Re-serializes an expected JSON literal so it compares byte for byte with <see cref="Of"/>.</summary>
    public static string Normalize(string json) => Of(JsonNode.Parse(json));

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Kwargs(params (string Key, JsonNode? Value)[] items)
        => items.Select(i => new KeyValuePair<string, JsonNode?>(i.Key, i.Value));
}
