namespace Prefect.Agent.Fargate;

/// <summary>
/// Where flow runs come from and where their outcome goes: the Prefect backend. The default implementation talks to
/// Prefect Server or Cloud over GraphQL exactly as Prefect 0.15's agent does.
/// </summary>
public interface IFlowRunSource
{
    /// <summary>Checks the credentials, registers the agent and sends a test query (the original's start-up).</summary>
    /// <param name="request">What the agent registers as.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PrefectAuthenticationException">The backend refused the credentials (fatal).</exception>
    Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken);

    /// <summary>Finds flow runs ready to deploy, with their metadata, ordered by their start time.</summary>
    /// <param name="query">The labels, the runs to leave out and how many to return at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runs, and whether the backend may hold more.</returns>
    Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken);

    /// <summary>Marks the run (and its scheduled task runs) Submitted, under the run's version lock.</summary>
    /// <param name="run">The run, with the version read with its metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claim: submitted with the run's new version, or taken by another agent.</returns>
    Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken);

    /// <summary>Marks the run Failed with a message.</summary>
    /// <param name="run">
    /// The run. From the task watch (a task that stopped before its flow started) it carries the run's identity only:
    /// id, version, state, name, scheduled start and the flow's id, name, version and core version, without the JSON
    /// read for its deployment (serialized state, parameters, run config, the flow's environment and storage, task
    /// runs), which the watch does not keep for every task it follows.
    /// </param>
    /// <param name="version">The run's current version (after Submitted).</param>
    /// <param name="message">Why it failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend took the state.</returns>
    Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken);

    /// <summary>Writes a log line of the run to the backend.</summary>
    /// <param name="log">The log line.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend took the line.</returns>
    Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken);
}
