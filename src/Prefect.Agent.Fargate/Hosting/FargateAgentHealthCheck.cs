using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prefect.Agent.Fargate.Polling;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>Unhealthy when the agent's loop stopped or its last <see cref="FailedPollsThreshold"/> polls failed.</summary>
internal sealed class FargateAgentHealthCheck(FargateAgentRegistry registry, string agentName) : IHealthCheck
{
    public const int FailedPollsThreshold = 3;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.TryGet(agentName, out var agent))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"No Fargate agent named '{agentName}' has been created (is the host started?)."));
        }

        var status = agent!.Status.Snapshot();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["state"] = status.State.ToString(),
            ["polls"] = status.Polls,
            ["consecutive_failed_polls"] = status.ConsecutiveFailedPolls,
            ["in_flight"] = status.InFlight,
        };
        if (status.LastPollTime is { } last)
        {
            data["last_poll_time"] = last;
        }

        var result = status switch
        {
            { State: AgentState.Stopped or AgentState.Faulted } => HealthCheckResult.Unhealthy($"The poll loop of agent '{agentName}' stopped ({status.State}).", data: data),
            { ConsecutiveFailedPolls: >= FailedPollsThreshold } => HealthCheckResult.Unhealthy($"The last {status.ConsecutiveFailedPolls} polls of agent '{agentName}' failed.", data: data),
            _ => HealthCheckResult.Healthy($"Agent '{agentName}' is {status.State}.", data),
        };
        return Task.FromResult(result);
    }
}
