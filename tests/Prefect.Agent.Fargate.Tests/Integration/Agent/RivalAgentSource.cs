namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// The agent's real flow-run source, except that another agent (a second real source on the same fake) claims each
/// run just before this agent does: the race the version lock settles.
/// </summary>
internal sealed class RivalAgentSource(IFlowRunSource inner, IFlowRunSource rival) : IFlowRunSource
{
    public Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken) =>
        inner.RegisterAgentAsync(request, cancellationToken);

    public Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken) =>
        inner.GetReadyFlowRunsAsync(query, cancellationToken);

    public async Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken)
    {
        var rivalClaim = await rival.MarkSubmittedAsync(run, cancellationToken);
        Assert.True(rivalClaim.IsClaimed, "the rival agent should win the race");
        return await inner.MarkSubmittedAsync(run, cancellationToken);
    }

    public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken) =>
        inner.MarkFailedAsync(run, version, message, cancellationToken);

    public Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken) => inner.WriteLogAsync(log, cancellationToken);
}
