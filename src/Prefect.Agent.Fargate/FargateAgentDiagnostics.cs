namespace Prefect.Agent.Fargate;

/// <summary>
/// The names under which the agent publishes its telemetry, for <c>AddMeter</c> and <c>AddSource</c> of OpenTelemetry
/// (or any <see cref="System.Diagnostics.Metrics.MeterListener"/> / <see cref="System.Diagnostics.ActivityListener"/>).
/// The instruments, activities and log events are listed in docs/observability.md.
/// </summary>
public static class FargateAgentDiagnostics
{
    /// <summary>The name of the agent's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Prefect.Agent.Fargate";

    /// <summary>The name of the agent's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Prefect.Agent.Fargate";
}
