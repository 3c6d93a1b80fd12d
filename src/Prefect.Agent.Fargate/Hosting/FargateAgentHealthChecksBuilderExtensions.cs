using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prefect.Agent.Fargate.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of an agent registered with <c>AddFargateAgent</c>.</summary>
public static class FargateAgentHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is Unhealthy when the agent's poll loop stopped or its last 3 polls failed, and Healthy
    /// otherwise; its data holds the polls, the in-flight runs and the last poll time.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="agentName">The agent's registration name; empty for the unnamed agent.</param>
    /// <param name="name">The check's name; <see langword="null"/>: <c>fargate-agent</c> (plus the agent name).</param>
    /// <param name="tags">Tags of the check.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddFargateAgentHealthCheck(
        this IHealthChecksBuilder builder,
        string agentName = "",
        string? name = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(agentName);
        var checkName = name ?? (agentName.Length == 0 ? "fargate-agent" : "fargate-agent-" + agentName);
        return builder.Add(new HealthCheckRegistration(
            checkName,
            sp => new FargateAgentHealthCheck(sp.GetRequiredService<FargateAgentRegistry>(), agentName),
            failureStatus: HealthStatus.Unhealthy,
            tags));
    }
}
