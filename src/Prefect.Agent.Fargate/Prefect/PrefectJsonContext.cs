using System.Text.Json.Serialization;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Source-generated serialization of the response envelope (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(GraphQLResponse))]
internal sealed partial class PrefectJsonContext : JsonSerializerContext
{
}
