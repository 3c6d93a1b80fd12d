using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>A task-definition revision held by a <see cref="FakeEcs"/> (a snapshot).</summary>
/// <param name="Arn">The ARN, <c>arn:aws:ecs:&lt;region&gt;:&lt;account&gt;:task-definition/&lt;family&gt;:&lt;revision&gt;</c>.</param>
/// <param name="Family">The family.</param>
/// <param name="Revision">The revision, from 1.</param>
/// <param name="Status"><c>ACTIVE</c> or <c>INACTIVE</c>.</param>
/// <param name="Tags">The tags.</param>
/// <param name="Definition">The definition as DescribeTaskDefinition returns it.</param>
public sealed record FakeEcsTaskDefinition(
    string Arn,
    string Family,
    int Revision,
    string Status,
    IReadOnlyDictionary<string, string> Tags,
    JsonObject Definition);
