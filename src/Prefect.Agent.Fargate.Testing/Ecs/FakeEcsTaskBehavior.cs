namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// How the tasks a <see cref="FakeEcs"/> starts live: <c>PROVISIONING</c>, then <c>RUNNING</c> after
/// <see cref="RunningAfter"/>, and, if <see cref="StopAfter"/> is set, <c>STOPPED</c> after it with the stop code and
/// reasons given (a task stopped before it ran failed to start). Matched by task-definition family and/or container image;
/// register it with <see cref="FakeEcs.AddTaskBehavior"/>.
/// </summary>
/// <example>
/// <code>
/// ecs.AddTaskBehavior(FakeEcsTaskBehavior.FailToStart("broken-flow", TimeSpan.FromSeconds(1.5),
///     "CannotPullContainerError: pull image manifest has been retried 5 time(s): repo:tag not found"));
/// </code>
/// </example>
public sealed class FakeEcsTaskBehavior
{
    /// <summary>Gets the task-definition family the behaviour applies to; <see langword="null"/>: any family.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Family { get; init; }

    /// <summary>Gets the container image (of any container of the task) the behaviour applies to; <see langword="null"/>: any image.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Image { get; init; }

    /// <summary>Gets the time from RunTask to <c>RUNNING</c>.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan RunningAfter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the time from RunTask to <c>STOPPED</c>; <see langword="null"/>: the task runs until StopTask.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? StopAfter { get; init; }

    /// <summary>Gets the task's <c>stopCode</c> when it stops by itself, e.g. <c>TaskFailedToStart</c>, <c>EssentialContainerExited</c>, <c>SpotInterruption</c>.</summary>
    /// <value>The default value is <c>EssentialContainerExited</c>.</value>
    public string StopCode { get; init; } = "EssentialContainerExited";

    /// <summary>Gets the task's <c>stoppedReason</c> when it stops by itself.</summary>
    /// <value>The default value is <c>Essential container in task exited</c>.</value>
    public string StoppedReason { get; init; } = "Essential container in task exited";

    /// <summary>Gets each container's <c>reason</c> when the task stops by itself, e.g. <c>CannotPullContainerError: ...</c>.</summary>
    /// <value>The default value is <see langword="null"/> (no reason).</value>
    public string? ContainerReason { get; init; }

    /// <summary>Gets each container's <c>exitCode</c> when the task stops by itself; <see langword="null"/>: none (the container never ran).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? ExitCode { get; init; }

    /// <summary>A behaviour whose tasks fail to start: <c>TaskFailedToStart</c> after <paramref name="after"/>, the containers carrying <paramref name="containerReason"/>.</summary>
    /// <param name="family">The task-definition family.</param>
    /// <param name="after">The time from RunTask to <c>STOPPED</c>.</param>
    /// <param name="containerReason">The containers' reason, e.g. <c>CannotPullContainerError: ... not found</c>.</param>
    /// <returns>The behaviour.</returns>
    public static FakeEcsTaskBehavior FailToStart(string family, TimeSpan after, string containerReason) => new()
    {
        Family = family,
        RunningAfter = after + TimeSpan.FromDays(1),
        StopAfter = after,
        StopCode = "TaskFailedToStart",
        StoppedReason = "Task failed to start",
        ContainerReason = containerReason,
    };

    /// <summary>Gets whether the behaviour applies to a task of <paramref name="family"/> with <paramref name="images"/>.</summary>
    /// <param name="family">The task's family.</param>
    /// <param name="images">The task's container images.</param>
    /// <returns><see langword="true"/> when it applies.</returns>
    internal bool Matches(string family, IEnumerable<string> images) =>
        (Family is null || Family == family) && (Image is null || images.Contains(Image, StringComparer.Ordinal));
}
