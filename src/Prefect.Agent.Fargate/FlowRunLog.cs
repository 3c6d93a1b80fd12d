namespace Prefect.Agent.Fargate;

/// <summary>A log line written to the backend for a flow run (the original's <c>write_run_logs</c> entry).</summary>
public sealed class FlowRunLog
{
    /// <summary>Gets the flow run id.</summary>
    public required string FlowRunId { get; init; }

    /// <summary>Gets the logger name: the agent name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the level, <c>INFO</c> or <c>ERROR</c>.</summary>
    public required string Level { get; init; }

    /// <summary>Gets the message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets when the line was written.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
