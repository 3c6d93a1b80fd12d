namespace Prefect.Agent.Fargate;

/// <summary>ECS answered RunTask without starting the task; <see cref="Failures"/> says why.</summary>
public sealed class TaskLaunchException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskLaunchException"/> class.</summary>
    /// <param name="failures">ECS's failures.</param>
    public TaskLaunchException(IReadOnlyList<TaskLaunchFailure> failures)
        : base(Describe(failures))
    {
        Failures = failures;
    }

    /// <summary>Gets ECS's failures (arn, reason, detail).</summary>
    public IReadOnlyList<TaskLaunchFailure> Failures { get; }

    private static string Describe(IReadOnlyList<TaskLaunchFailure> failures) =>
        failures.Count == 0
            ? "ECS RunTask started no task and reported no failure."
            : "ECS RunTask started no task. Failures: " + string.Join("; ", failures.Select(f =>
                $"arn={f.Arn ?? "-"}, reason={f.Reason ?? "-"}, detail={f.Detail ?? "-"}"));
}
