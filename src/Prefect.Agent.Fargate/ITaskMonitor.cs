namespace Prefect.Agent.Fargate;

/// <summary>
/// Reads and stops the ECS tasks the agent launched, so that it can follow each run until its flow starts (the task
/// watch) and find the task of a claimed run again (the reconciler). The default implementation calls ECS
/// <c>DescribeTasks</c>, <c>ListTasks</c> and <c>StopTask</c> through the agent's signed, rate-governed ECS client; it is
/// used even when a host supplies its own <see cref="ITaskLauncher"/>.
/// </summary>
public interface ITaskMonitor
{
    /// <summary>The most tasks one <see cref="DescribeTasksAsync"/> call takes (ECS's limit).</summary>
    const int MaxDescribeBatch = 100;

    /// <summary>Describes up to <see cref="MaxDescribeBatch"/> tasks of one cluster.</summary>
    /// <param name="cluster">The cluster; <see langword="null"/> for the default cluster.</param>
    /// <param name="taskArns">The task ARNs (1 to 100).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tasks ECS knows; a task it no longer knows is missing from the list.</returns>
    Task<IReadOnlyList<EcsTaskStatus>> DescribeTasksAsync(string? cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the tasks started with a <c>startedBy</c> value (the agent sets it to the flow run id), running or stopped
    /// (ECS lists stopped tasks for about an hour).
    /// </summary>
    /// <param name="cluster">The cluster; <see langword="null"/> for the default cluster.</param>
    /// <param name="startedBy">The <c>startedBy</c> value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task ARNs, running ones first.</returns>
    Task<IReadOnlyList<string>> FindTasksAsync(string? cluster, string startedBy, CancellationToken cancellationToken);

    /// <summary>Stops a task.</summary>
    /// <param name="cluster">The cluster; <see langword="null"/> for the default cluster.</param>
    /// <param name="taskArn">The task ARN.</param>
    /// <param name="reason">Why, as ECS shows it in <c>stoppedReason</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when ECS took the request.</returns>
    Task StopTaskAsync(string? cluster, string taskArn, string reason, CancellationToken cancellationToken);
}
