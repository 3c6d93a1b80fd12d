using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>The task watch's and the reconciler's log lines; each names the run.</summary>
internal static partial class TaskWatchLog
{
    [LoggerMessage(EventId = 600, EventName = "TaskWatched", Level = LogLevel.Debug, Message = "Watching task {TaskArn} of flow run {FlowRunId} until its flow starts")]
    public static partial void TaskWatched(this ILogger logger, string flowRunId, string taskArn);

    [LoggerMessage(EventId = 601, EventName = "TaskFailedToStart", Level = LogLevel.Error, Message = "Flow run {FlowRunId} failed to start: {Reason}")]
    public static partial void TaskFailedToStart(this ILogger logger, string flowRunId, string reason);

    [LoggerMessage(EventId = 602, EventName = "RunLeftSubmitted", Level = LogLevel.Debug, Message = "Flow run {FlowRunId} is {State}: no longer watching task {TaskArn}")]
    public static partial void RunLeftSubmitted(this ILogger logger, string flowRunId, string? state, string taskArn);

    [LoggerMessage(EventId = 603, EventName = "WatchTimedOut", Level = LogLevel.Warning, Message = "Flow run {FlowRunId} is still Submitted after {Seconds} s; no longer watching task {TaskArn}")]
    public static partial void WatchTimedOut(this ILogger logger, string flowRunId, double seconds, string taskArn);

    [LoggerMessage(EventId = 604, EventName = "CancelledTaskStopped", Level = LogLevel.Information, Message = "Flow run {FlowRunId} was cancelled before its flow started; stopped task {TaskArn}")]
    public static partial void CancelledTaskStopped(this ILogger logger, string flowRunId, string taskArn);

    [LoggerMessage(EventId = 605, EventName = "WatchCheckFailed", Level = LogLevel.Warning, Message = "Task watch: {Step} failed; trying again next interval")]
    public static partial void WatchCheckFailed(this ILogger logger, Exception exception, string step);

    [LoggerMessage(EventId = 606, EventName = "WatchActionFailed", Level = LogLevel.Warning, Message = "Task watch: {Action} for flow run {FlowRunId} failed")]
    public static partial void WatchActionFailed(this ILogger logger, Exception exception, string action, string flowRunId);

    [LoggerMessage(EventId = 610, EventName = "ReconcileFoundTask", Level = LogLevel.Information, Message = "Reconciling flow run {FlowRunId}: Submitted without a deployment here, found its task {TaskArn}; watching it")]
    public static partial void ReconcileFoundTask(this ILogger logger, string flowRunId, string taskArn);

    [LoggerMessage(EventId = 611, EventName = "ReconcileLaunching", Level = LogLevel.Warning, Message = "Reconciling flow run {FlowRunId}: Submitted for over {Seconds} s without a task; launching it again with the same clientToken")]
    public static partial void ReconcileLaunching(this ILogger logger, string flowRunId, double seconds);

    [LoggerMessage(EventId = 612, EventName = "ReconcileFailed", Level = LogLevel.Warning, Message = "Reconciliation failed; trying again next interval")]
    public static partial void ReconcileFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 613, EventName = "ReconcileRunFailed", Level = LogLevel.Warning, Message = "Reconciling flow run {FlowRunId} failed; trying again next interval")]
    public static partial void ReconcileRunFailed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 614, EventName = "WatchUnavailable", Level = LogLevel.Information, Message = "No IFlowRunMonitor (the flow run source is none and none was supplied): no task watch and no reconciliation")]
    public static partial void WatchUnavailable(this ILogger logger);

    [LoggerMessage(EventId = 615, EventName = "LaunchConflict", Level = LogLevel.Information, Message = "Flow run {FlowRunId} already has a task (RunTask clientToken conflict): {TaskArn}; not failing it")]
    public static partial void LaunchConflict(this ILogger logger, string flowRunId, string taskArn);
}
