namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>Classifies the errors of a deployment step as permanent, transient or capacity faults.</summary>
internal static class DeploymentFaults
{
    /// <summary>Classifies an error.</summary>
    /// <param name="error">The error of a deployment step.</param>
    /// <param name="cancellationToken">The deployment's token (its own cancellation is never a timeout).</param>
    /// <returns>The kind, and a short reason for logs and metrics.</returns>
    public static (DeploymentFaultKind Kind, string Reason) Classify(Exception error, CancellationToken cancellationToken) => error switch
    {
        DeploymentStepException step => (step.Kind, step.Reason ?? step.GetType().Name),
        TaskLaunchException launch => ClassifyLaunch(launch),
        TimeoutException or Polly.Timeout.TimeoutRejectedException or System.Net.Http.HttpRequestException or IOException => (DeploymentFaultKind.Transient, error.GetType().Name),
        OperationCanceledException when !cancellationToken.IsCancellationRequested => (DeploymentFaultKind.Transient, "Timeout"),
        _ => (DeploymentFaultKind.Permanent, error.GetType().Name),
    };

    /// <summary>Whether a RunTask failure reason means the cluster could not place the task (for now).</summary>
    /// <param name="reason">The reason, e.g. <c>RESOURCE:MEMORY</c>.</param>
    /// <returns><see langword="true"/> for a capacity reason.</returns>
    public static bool IsCapacityReason(string? reason) =>
        reason is not null
        && (reason is "RESOURCE:CPU" or "RESOURCE:MEMORY" or "AGENT"
            || reason.StartsWith("RESOURCE:PORTS", StringComparison.Ordinal)
            || reason.Contains("Capacity is unavailable", StringComparison.OrdinalIgnoreCase));

    // MISSING / ATTRIBUTE and unknown reasons are permanent: only a failure list of capacity reasons is retried.
    private static (DeploymentFaultKind Kind, string Reason) ClassifyLaunch(TaskLaunchException launch) =>
        launch.Failures.Count > 0 && launch.Failures.All(f => IsCapacityReason(f.Reason))
            ? (DeploymentFaultKind.Capacity, launch.Failures[0].Reason!)
            : (DeploymentFaultKind.Permanent, (launch.Failures.Count > 0 ? launch.Failures[0].Reason : null) ?? nameof(TaskLaunchException));
}
