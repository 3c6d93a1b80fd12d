namespace Prefect.Agent.Fargate;

/// <summary>A task ECS started for a flow run.</summary>
public sealed class TaskLaunchResult
{
    /// <summary>Gets the task ARN.</summary>
    public required string TaskArn { get; init; }
}
