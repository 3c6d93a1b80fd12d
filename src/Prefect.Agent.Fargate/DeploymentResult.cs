namespace Prefect.Agent.Fargate;

/// <summary>The outcome of deploying one flow run.</summary>
public sealed class DeploymentResult
{
    /// <summary>Gets the flow run id.</summary>
    public required string FlowRunId { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required DeploymentStatus Status { get; init; }

    /// <summary>Gets the task definition used (family or ARN), when one was.</summary>
    public string? TaskDefinition { get; init; }

    /// <summary>Gets the ARN of the started task, when <see cref="Status"/> is <see cref="DeploymentStatus.Submitted"/>.</summary>
    public string? TaskArn { get; init; }

    /// <summary>Gets the failure message, when <see cref="Status"/> is <see cref="DeploymentStatus.Failed"/>.</summary>
    public string? Error { get; init; }
}
