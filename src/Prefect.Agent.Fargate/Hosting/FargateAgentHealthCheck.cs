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
            var missing = agentName.Length == 0 ? "The unnamed Fargate agent has" : $"No Fargate agent named '{agentName}' has";
            return Task.FromResult(HealthCheckResult.Unhealthy($"{missing} not been created (is the host started?)."));
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

        var agentText = FargateAgentHostedService.DisplayName(agentName);
        var result = status switch
        {
            { State: AgentState.Stopped or AgentState.Faulted } => HealthCheckResult.Unhealthy($"The poll loop of {agentText} stopped ({status.State}).", data: data),
            { ConsecutiveFailedPolls: >= FailedPollsThreshold } => HealthCheckResult.Unhealthy($"The last {status.ConsecutiveFailedPolls} polls of {agentText} failed.", data: data),
            _ => HealthCheckResult.Healthy($"{agentText} is {status.State}.", data),
        };
        return Task.FromResult(result);
    }
}
