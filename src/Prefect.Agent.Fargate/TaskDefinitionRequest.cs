using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>The task definition a flow run needs.</summary>
public sealed class TaskDefinitionRequest
{
    /// <summary>Gets the family: <c>prefect-task-&lt;id8&gt;</c>, or the flow-name slug in revisions mode.</summary>
    public required string Family { get; init; }

    /// <summary>Gets the complete RegisterTaskDefinition request body (family, container definition, kwargs, tags).</summary>
    public required JsonObject RegisterRequest { get; init; }

    /// <summary>Gets the first 8 characters of the flow id (the <c>PrefectFlowId</c> tag value).</summary>
    public required string FlowId8 { get; init; }

    /// <summary>Gets the flow version (the <c>PrefectFlowVersion</c> tag value in revisions mode).</summary>
    public int? FlowVersion { get; init; }

    /// <summary>Gets a value indicating whether the family is versioned with tags (<c>enable_task_revisions</c>).</summary>
    public bool TaskRevisions { get; init; }
}
