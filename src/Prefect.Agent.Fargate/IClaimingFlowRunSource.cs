namespace Prefect.Agent.Fargate;

/// <summary>
/// A flow-run source that claims a page of runs and asks for the next page in one exchange with the backend, so that
/// the poll loop's dispatch rate depends on the backend's latency through the depth of its pipeline, not through a
/// sum of round trips per page. Internal before 1.0: any other <see cref="IFlowRunSource"/> gets the same pipeline
/// through its <see cref="IFlowRunSource.MarkSubmittedAsync"/> and <see cref="IFlowRunSource.GetReadyFlowRunsAsync"/>,
/// called one after the other.
/// </summary>
internal interface IClaimingFlowRunSource
{
    /// <summary>Claims <paramref name="runs"/> (each under its version lock), then polls with <paramref name="next"/>.</summary>
    /// <param name="runs">The runs to claim, each with the version read with its metadata.</param>
    /// <param name="next">The next poll, or <see langword="null"/> for none (the last of <c>MaxPolls</c>, no free slot).</param>
    /// <param name="cancellationToken">Cancels the exchange (the drain timeout: claims are never abandoned on stop).</param>
    /// <returns>One claim attempt per run, in their order, and the next page or why there is none.</returns>
    Task<FlowRunClaimExchange> ClaimThenPollAsync(IReadOnlyList<FlowRun> runs, FlowRunQuery? next, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IClaimingFlowRunSource.ClaimThenPollAsync"/>.</summary>
internal sealed class FlowRunClaimExchange
{
    /// <summary>Gets one claim attempt per run, in the order of the runs.</summary>
    public required IReadOnlyList<FlowRunClaimAttempt> Claims { get; init; }

    /// <summary>Gets the next page; <see langword="null"/> when no poll was asked for or it failed.</summary>
    public FlowRunPage? Next { get; init; }

    /// <summary>Gets why the poll failed (the claims stand on their own).</summary>
    public Exception? PollError { get; init; }
}

/// <summary>The claim of one run: the backend's answer, or the error that left the run unclaimed (it stays Scheduled).</summary>
/// <param name="Claim">The claim, when there is no error.</param>
/// <param name="Error">Why the claim could not be made.</param>
internal readonly record struct FlowRunClaimAttempt(FlowRunClaim Claim, Exception? Error);
