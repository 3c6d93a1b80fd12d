namespace Prefect.Agent.Fargate;

/// <summary>
/// RunTask refused the request's <c>taskDefinition</c> as inactive or missing (deregistered after the registry answered
/// it). A launcher throws it so that the agent has the <see cref="ITaskDefinitionRegistry"/> ensure the definition again
/// (<see cref="ITaskDefinitionRegistry.EnsureAgainAsync"/>) and retries RunTask once; the default ECS launcher does. When
/// the retry is refused too, the run fails with this error.
/// </summary>
public sealed class TaskDefinitionInactiveException : DeploymentStepException
{
    /// <summary>Initializes a new instance of the <see cref="TaskDefinitionInactiveException"/> class.</summary>
    /// <param name="taskDefinition">The refused <c>taskDefinition</c>, as the request named it.</param>
    /// <param name="message">The message (ECS's error).</param>
    /// <param name="innerException">The launcher's error, if any.</param>
    public TaskDefinitionInactiveException(string taskDefinition, string message, Exception? innerException = null)
        : base(message, DeploymentFaultKind.Permanent, "TaskDefinitionInactive", innerException)
    {
        ArgumentNullException.ThrowIfNull(taskDefinition);
        TaskDefinition = taskDefinition;
    }

    /// <summary>Gets the refused <c>taskDefinition</c>.</summary>
    public string TaskDefinition { get; }
}
