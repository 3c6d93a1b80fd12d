namespace Prefect.Agent.Fargate;

/// <summary>
/// What a host does when its agent stops with a fatal error (a refused key, invalid options), like
/// <c>HostOptions.BackgroundServiceExceptionBehavior</c> for background services. Used by <c>AddFargateAgent</c> only;
/// an agent used directly throws the error from <see cref="FargateAgent.StartAsync"/>.
/// </summary>
public enum FatalErrorBehavior
{
    /// <summary>
    /// Stops the host and makes the process exit non-zero (<see cref="Environment.ExitCode"/> 1 when it was 0), so a
    /// supervisor that restarts failed processes sees the failure.
    /// </summary>
    StopHost,

    /// <summary>Logs the error and leaves the host running; the agent's health check reports Unhealthy.</summary>
    Ignore,
}
