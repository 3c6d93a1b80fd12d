using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Prefect.Agent.Fargate.Diagnostics;

/// <summary>
/// The agent's meter and activity source, from BCL primitives only (no OpenTelemetry dependency). Under dependency
/// injection the meter comes from <see cref="IMeterFactory"/>, which owns and disposes it.
/// </summary>
internal sealed class AgentTelemetry : IDisposable
{
    /// <summary>The name of the meter (<see cref="FargateAgentDiagnostics.MeterName"/>).</summary>
    public const string Name = FargateAgentDiagnostics.MeterName;

    public static readonly string? Version =
        typeof(AgentTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>One activity source per process, as activity sources are meant to be.</summary>
    public static readonly ActivitySource ActivitySource = new(FargateAgentDiagnostics.ActivitySourceName, Version);

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly KeyValuePair<string, object?> agentTag;
    private int waitingForRetry;

    public AgentTelemetry(IMeterFactory? meterFactory, string agentName)
    {
        ownsMeter = meterFactory is null;
        meter = meterFactory?.Create(new MeterOptions(Name) { Version = Version }) ?? new Meter(Name, Version);
        agentTag = new(AgentInstruments.AgentNameTag, agentName);
        FlowRunsFound = meter.CreateCounter<long>(AgentInstruments.FlowRunsFound, "{flow_run}", "Flow runs a poll returned.");
        FlowRunsDeployed = meter.CreateCounter<long>(AgentInstruments.FlowRunsDeployed, "{flow_run}", "Flow runs whose ECS task started.");
        FlowRunsFailed = meter.CreateCounter<long>(AgentInstruments.FlowRunsFailed, "{flow_run}", "Flow runs the agent marked Failed.");
        DeploymentDuration = meter.CreateHistogram<double>(AgentInstruments.DeploymentDuration, "s", "Time from claiming a flow run to its outcome.");
        PollDuration = meter.CreateHistogram<double>(AgentInstruments.PollDuration, "s", "Time one poll of the backend took.");
        TasksWatched = meter.CreateUpDownCounter<long>(AgentInstruments.TasksWatched, "{task}", "ECS tasks followed until their flow starts.");
        FailedStarts = meter.CreateCounter<long>(AgentInstruments.FailedStarts, "{flow_run}", "Flow runs marked Failed because their task stopped before the flow started.");
        RunsReconciled = meter.CreateCounter<long>(AgentInstruments.RunsReconciled, "{flow_run}", "Submitted runs without a deployment here whose task was found or launched again.");
        TasksStopped = meter.CreateCounter<long>(AgentInstruments.TasksStopped, "{task}", "Tasks stopped because their run was cancelled before the flow started.");
        DeploymentRetries = meter.CreateCounter<long>(AgentInstruments.DeploymentRetries, "{retry}", "Deployments retried after a transient or capacity fault.");
        meter.CreateObservableGauge(AgentInstruments.RunsWaitingForRetry, () => new Measurement<int>(Volatile.Read(ref waitingForRetry), agentTag), "{flow_run}", "Flow runs waiting for a deployment retry.");
    }

    /// <summary>Gets the counter of deployment retries (tag <see cref="AgentInstruments.ReasonTag"/>).</summary>
    public Counter<long> DeploymentRetries { get; }

    /// <summary>Gets the number of runs waiting for a deployment retry.</summary>
    public int WaitingForRetry => Volatile.Read(ref waitingForRetry);

    public Counter<long> FlowRunsFound { get; }

    public Counter<long> FlowRunsDeployed { get; }

    public Counter<long> FlowRunsFailed { get; }

    public Histogram<double> DeploymentDuration { get; }

    public Histogram<double> PollDuration { get; }

    public UpDownCounter<long> TasksWatched { get; }

    public Counter<long> FailedStarts { get; }

    public Counter<long> RunsReconciled { get; }

    public Counter<long> TasksStopped { get; }

    public KeyValuePair<string, object?> AgentTag => agentTag;

    public KeyValuePair<string, object?> Outcome(string outcome) => new(AgentInstruments.OutcomeTag, outcome);

    /// <summary>Gets the reason tag of a retry.</summary>
    /// <param name="reason">The reason, e.g. <c>ThrottlingException</c>.</param>
    /// <returns>The tag.</returns>
    public KeyValuePair<string, object?> Reason(string reason) => new(AgentInstruments.ReasonTag, reason);

    /// <summary>Counts a run that starts waiting for a retry.</summary>
    public void RetryWaitStarted() => Interlocked.Increment(ref waitingForRetry);

    /// <summary>Counts a run that stops waiting for a retry.</summary>
    public void RetryWaitEnded() => Interlocked.Decrement(ref waitingForRetry);

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
