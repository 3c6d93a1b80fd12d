namespace Prefect.Agent.Fargate.Diagnostics;

/// <summary>The names of the agent's instruments, tags and activities (all under the meter <see cref="AgentTelemetry.Name"/>).</summary>
internal static class AgentInstruments
{
    /// <summary>Counter of deployment retries after a transient or capacity fault, by <see cref="ReasonTag"/> (unit: <c>{retry}</c>).</summary>
    public const string DeploymentRetries = "prefect_agent.deployment.retries";

    /// <summary>Gauge of flow runs waiting for a deployment retry (unit: <c>{flow_run}</c>).</summary>
    public const string RunsWaitingForRetry = "prefect_agent.deployment.waiting_for_retry";

    /// <summary>Tag of a retry's reason, e.g. <c>ThrottlingException</c> or <c>RESOURCE:MEMORY</c>.</summary>
    public const string ReasonTag = "prefect_agent.reason";

    /// <summary>Counter of flow runs a poll returned (unit: <c>{flow_run}</c>).</summary>
    public const string FlowRunsFound = "prefect_agent.flow_runs.found";

    /// <summary>Counter of flow runs whose ECS task started (unit: <c>{flow_run}</c>).</summary>
    public const string FlowRunsDeployed = "prefect_agent.flow_runs.deployed";

    /// <summary>Counter of flow runs marked Failed by the agent (unit: <c>{flow_run}</c>).</summary>
    public const string FlowRunsFailed = "prefect_agent.flow_runs.failed";

    /// <summary>Histogram of the time from claiming a run to its outcome (unit: <c>s</c>).</summary>
    public const string DeploymentDuration = "prefect_agent.deployment.duration";

    /// <summary>Histogram of the time one poll of the backend took (unit: <c>s</c>).</summary>
    public const string PollDuration = "prefect_agent.poll.duration";

    /// <summary>Up-down counter of the tasks the task watch follows (unit: <c>{task}</c>).</summary>
    public const string TasksWatched = "prefect_agent.tasks.watched";

    /// <summary>Counter of runs marked Failed because their task stopped before the flow started, tagged by stop code (unit: <c>{flow_run}</c>).</summary>
    public const string FailedStarts = "prefect_agent.flow_runs.failed_starts";

    /// <summary>Counter of Submitted runs the reconciler found a task for or launched again, tagged by outcome (unit: <c>{flow_run}</c>).</summary>
    public const string RunsReconciled = "prefect_agent.flow_runs.reconciled";

    /// <summary>Counter of tasks stopped because their run was cancelled before the flow started (unit: <c>{task}</c>).</summary>
    public const string TasksStopped = "prefect_agent.tasks.stopped";

    /// <summary>Tag: the ECS stop code of a task that stopped before its flow started.</summary>
    public const string StopCodeTag = "aws.ecs.stop_code";

    /// <summary>Tag: the agent name.</summary>
    public const string AgentNameTag = "prefect_agent.name";

    /// <summary>Tag: the outcome of a deployment or a poll (<c>submitted</c>, <c>failed</c>, <c>skipped</c>, <c>not_claimed</c>, <c>ok</c>, <c>error</c>).</summary>
    public const string OutcomeTag = "prefect_agent.outcome";

    /// <summary>Tag: the flow run id.</summary>
    public const string FlowRunIdTag = "prefect.flow_run.id";

    /// <summary>Activity of one poll.</summary>
    public const string PollActivity = "prefect_agent.poll";

    /// <summary>Activity of one deployment.</summary>
    public const string DeployActivity = "prefect_agent.deploy";
}
