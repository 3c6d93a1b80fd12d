namespace Prefect.Agent.Fargate;

/// <summary>
/// Reads the state of runs the agent has claimed, many at once: the task watch follows a launched run until its flow
/// starts, and the reconciler finds claimed runs that have no task. The default Prefect <see cref="IFlowRunSource"/>
/// implements it with Hasura <c>flow_run</c> queries of Prefect Server 0.15's schema. A host whose own
/// <see cref="IFlowRunSource"/> does not implement it supplies one apart (the <c>flowRunMonitor</c> argument of
/// <see cref="FargateAgent"/>, or <c>AddFlowRunMonitor&lt;T&gt;()</c> after <c>AddFargateAgent</c>); without one it gets
/// neither the task watch nor reconciliation.
/// </summary>
public interface IFlowRunMonitor
{
    /// <summary>Reads the state and version of many runs in one call.</summary>
    /// <param name="flowRunIds">The run ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runs found; a run the backend no longer has is missing.</returns>
    Task<IReadOnlyList<FlowRunStatus>> GetFlowRunStatusesAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the runs in state Submitted that an agent with these labels serves (the same label rule as polling: every
    /// label of the run is one of the agent's, and a run without labels only for an agent without labels).
    /// </summary>
    /// <param name="labels">The agent's labels.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The Submitted runs, with their current version.</returns>
    Task<IReadOnlyList<FlowRunStatus>> GetSubmittedFlowRunsAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken);

    /// <summary>Reads the metadata of runs (as polling reads it) to launch them again.</summary>
    /// <param name="flowRunIds">The run ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runs found.</returns>
    Task<IReadOnlyList<FlowRun>> GetFlowRunsAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken);
}
