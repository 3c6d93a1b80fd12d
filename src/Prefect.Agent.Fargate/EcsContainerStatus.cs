namespace Prefect.Agent.Fargate;

/// <summary>One container of a task, as <c>DescribeTasks</c> shows it.</summary>
public sealed class EcsContainerStatus
{
    /// <summary>Gets the container name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the last status.</summary>
    public string? LastStatus { get; init; }

    /// <summary>Gets why the container stopped or did not start, e.g. <c>CannotPullContainerError: ...</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the exit code, when the container ran.</summary>
    public int? ExitCode { get; init; }
}
