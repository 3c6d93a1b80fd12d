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

    /// <summary>
    /// Called when RunTask refused the <c>taskDefinition</c> that <see cref="EnsureAsync"/> answered for
    /// <paramref name="request"/> as inactive or missing (the launcher threw <see cref="TaskDefinitionInactiveException"/>,
    /// e.g. the revision was deregistered after it was answered): forget that answer and ensure the definition again.
    /// The agent then retries RunTask once with the new answer and the same <c>clientToken</c>.
    /// </summary>
    /// <param name="request">The definition of the run, planned afresh (the same family, body and tags as before).</param>
    /// <param name="refusedTaskDefinition">The <c>taskDefinition</c> RunTask refused.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The <c>taskDefinition</c> the retried RunTask must use.</returns>
    /// <remarks>
    /// The default implementation calls <see cref="EnsureAsync"/> again, which suits a registry that keeps nothing
    /// between calls. A registry that caches its answers should override it to drop <paramref name="refusedTaskDefinition"/>
    /// first; otherwise it answers the refused definition again and the run fails with the second refusal.
    /// </remarks>
    Task<string> EnsureAgainAsync(TaskDefinitionRequest request, string refusedTaskDefinition, CancellationToken cancellationToken) =>
        EnsureAsync(request, cancellationToken);
}
