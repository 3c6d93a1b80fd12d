namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>A flow run this agent marked Submitted: it is the agent's until it has a task or a reason to fail.</summary>
/// <param name="Run">The run, with its metadata.</param>
/// <param name="Version">The run's version after Submitted (the Failed state and the RunTask clientToken use it).</param>
internal sealed record ClaimedFlowRun(FlowRun Run, int Version);

/// <summary>The outcome of a claim: the claimed run, or the result of a run that is not this agent's.</summary>
/// <param name="Claimed">The claimed run; <see langword="null"/> when the run is not ours.</param>
/// <param name="Result">Why the run is not ours (Skipped or NotClaimed); <see langword="null"/> when claimed.</param>
internal sealed record ClaimOutcome(ClaimedFlowRun? Claimed, DeploymentResult? Result);
