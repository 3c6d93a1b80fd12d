namespace Prefect.Agent.Fargate;

/// <summary>What ECS says about one task (the fields of <c>DescribeTasks</c> the task watch reads).</summary>
public sealed class EcsTaskStatus
{
    /// <summary>Gets the task ARN.</summary>
    public required string TaskArn { get; init; }

    /// <summary>Gets the last status, e.g. <c>PROVISIONING</c>, <c>RUNNING</c> or <c>STOPPED</c>.</summary>
    public string? LastStatus { get; init; }

    /// <summary>Gets the stop code, e.g. <c>TaskFailedToStart</c> or <c>EssentialContainerExited</c>.</summary>
    public string? StopCode { get; init; }

    /// <summary>Gets ECS's reason for stopping the task.</summary>
    public string? StoppedReason { get; init; }

    /// <summary>Gets the task's containers.</summary>
    public IReadOnlyList<EcsContainerStatus> Containers { get; init; } = [];

    /// <summary>Gets a value indicating whether the task has stopped.</summary>
    public bool IsStopped => string.Equals(LastStatus, "STOPPED", StringComparison.Ordinal);
}
