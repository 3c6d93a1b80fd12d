namespace Prefect.Agent.Fargate;

/// <summary>
/// ECS refused RunTask because its <c>clientToken</c> already started a task with other parameters
/// (<c>ConflictException</c>): the run has a task. The agent reads it as launched and never fails the run for it.
/// </summary>
public sealed class TaskLaunchConflictException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskLaunchConflictException"/> class.</summary>
    /// <param name="message">ECS's message.</param>
    /// <param name="existingTaskArns">The tasks found for the run, if any.</param>
    /// <param name="innerException">ECS's error.</param>
    public TaskLaunchConflictException(string message, IReadOnlyList<string> existingTaskArns, Exception? innerException = null)
        : base(message, innerException)
    {
        ExistingTaskArns = existingTaskArns ?? [];
    }

    /// <summary>Gets the run's existing tasks, when they could be found (by <c>startedBy</c>).</summary>
    public IReadOnlyList<string> ExistingTaskArns { get; }
}
