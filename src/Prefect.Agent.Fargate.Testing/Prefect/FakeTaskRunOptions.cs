namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A task run to add with a flow run (see <see cref="FakeFlowRunOptions.TaskRuns"/>).</summary>
public sealed class FakeTaskRunOptions
{
    /// <summary>Gets the task id; <see langword="null"/>: a new UUID.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets the state type, e.g. <c>Scheduled</c> (marked Submitted with the flow run) or <c>Pending</c>.</summary>
    public string State { get; init; } = "Scheduled";

    /// <summary>Gets the task-run version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Gets the state's start time; <see langword="null"/>: none for <c>Pending</c>/<c>Running</c>, else 10 s before the flow run's (the agent only reads task runs whose start time is 3 s past).</summary>
    public DateTimeOffset? StartTime { get; init; }
}
