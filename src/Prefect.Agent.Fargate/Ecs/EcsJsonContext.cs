using System.Text.Json.Serialization;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>Source-generated serialization of the few typed values the ECS code writes (AOT-safe).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class EcsJsonContext : JsonSerializerContext;
