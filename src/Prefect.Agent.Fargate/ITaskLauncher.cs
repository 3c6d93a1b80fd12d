namespace Prefect.Agent.Fargate;

/// <summary>Starts the ECS task of a flow run. The default implementation calls ECS RunTask.</summary>
public interface ITaskLauncher
{
    /// <summary>Starts the task.</summary>
    /// <param name="request">The RunTask request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The started task.</returns>
    /// <exception cref="TaskLaunchException">ECS started no task; the exception carries ECS's failures.</exception>
    Task<TaskLaunchResult> RunTaskAsync(TaskLaunchRequest request, CancellationToken cancellationToken);
}
