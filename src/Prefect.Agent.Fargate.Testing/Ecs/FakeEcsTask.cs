using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>A task started by RunTask on a <see cref="FakeEcs"/> (a snapshot).</summary>
/// <param name="TaskArn">The ARN, <c>arn:aws:ecs:&lt;region&gt;:&lt;account&gt;:task/&lt;cluster&gt;/&lt;32 hex&gt;</c>.</param>
/// <param name="Cluster">The cluster name.</param>
/// <param name="TaskDefinitionArn">The task definition revision it runs.</param>
/// <param name="LaunchType">The launch type, if given.</param>
/// <param name="Task">The task as DescribeTasks returns it (overrides, tags, startedBy ...).</param>
public sealed record FakeEcsTask(string TaskArn, string Cluster, string TaskDefinitionArn, string? LaunchType, JsonObject Task);
