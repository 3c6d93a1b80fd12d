namespace Prefect.Agent.Fargate;

/// <summary>The outcome of deploying one flow run.</summary>
public enum DeploymentStatus
{
    /// <summary>The task started and the run is Submitted.</summary>
    Submitted,

    /// <summary>The deployment failed and the run is marked Failed.</summary>
    Failed,

    /// <summary>Another agent took the run first (version lock); nothing was done.</summary>
    Skipped,

    /// <summary>Marking the run Submitted failed; the run was neither deployed nor marked Failed.</summary>
    NotClaimed,
}
