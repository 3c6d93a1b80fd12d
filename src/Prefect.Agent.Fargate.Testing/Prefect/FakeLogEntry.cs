namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A log entry written with <c>write_run_logs</c>.</summary>
/// <param name="FlowRunId">The flow run.</param>
/// <param name="Name">The logger name.</param>
/// <param name="Level">The level.</param>
/// <param name="Message">The message.</param>
/// <param name="Timestamp">The timestamp sent, if any.</param>
/// <param name="RequestNumber">The 1-based number of the <c>write_run_logs</c> call that carried it (entries of one batch share it).</param>
public sealed record FakeLogEntry(string FlowRunId, string? Name, string? Level, string? Message, string? Timestamp, int RequestNumber);
