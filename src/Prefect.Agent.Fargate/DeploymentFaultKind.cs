namespace Prefect.Agent.Fargate;

/// <summary>How the agent treats an error of a deployment step (task definition, launch).</summary>
public enum DeploymentFaultKind
{
    /// <summary>Retrying cannot help (bad parameters, access denied, missing cluster): the run fails at once.</summary>
    Permanent = 0,

    /// <summary>
    /// A passing fault (throttling, HTTP 5xx, timeout, lost connection): the agent retries the deployment with back-off
    /// until <see cref="AgentOptions.DeploymentRetryTimeout"/>.
    /// </summary>
    Transient = 1,

    /// <summary>
    /// The cluster could not place the task (RunTask failures such as <c>RESOURCE:MEMORY</c>): the agent retries up to
    /// <see cref="AgentOptions.CapacityRetries"/> times.
    /// </summary>
    Capacity = 2,
}
