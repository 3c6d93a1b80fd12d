namespace Prefect.Agent.Fargate;

/// <summary>
/// Makes sure the ECS task definition a flow run needs exists, and says what RunTask must name. The default
/// implementation follows the original's family names and tags, caches what it knows to exist, and registers a new
/// revision when the existing one has drifted.
/// </summary>
public interface ITaskDefinitionRegistry
{
    /// <summary>Reuses or registers the task definition for a run.</summary>
    /// <param name="request">The definition the agent would register now, and how to find an existing one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The <c>taskDefinition</c> RunTask must use: a family name or a revision ARN.</returns>
    Task<string> EnsureAsync(TaskDefinitionRequest request, CancellationToken cancellationToken);
}
