using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>Log events of the task-definition registry and the task launcher (event ids 250-299).</summary>
internal static partial class EcsLog
{
    [LoggerMessage(EventId = 250, EventName = "TaskDefinitionCacheHit", Level = LogLevel.Debug,
        Message = "Task definition {TaskDefinition} of family {Family} is known to exist and match; no ECS call")]
    public static partial void TaskDefinitionCacheHit(this ILogger logger, string family, string taskDefinition);

    [LoggerMessage(EventId = 251, EventName = "CheckingTaskDefinition", Level = LogLevel.Debug,
        Message = "Checking for task definition {Family}")]
    public static partial void CheckingTaskDefinition(this ILogger logger, string family);

    [LoggerMessage(EventId = 252, EventName = "TaskDefinitionFound", Level = LogLevel.Debug,
        Message = "Task definition {TaskDefinition} of family {Family} found and matches")]
    public static partial void TaskDefinitionFound(this ILogger logger, string family, string taskDefinition);

    [LoggerMessage(EventId = 253, EventName = "TaskDefinitionNotFound", Level = LogLevel.Debug,
        Message = "No task definition found for family {Family}: {Reason}")]
    public static partial void TaskDefinitionNotFound(this ILogger logger, string family, string reason);

    [LoggerMessage(EventId = 254, EventName = "TaskDefinitionDrifted", Level = LogLevel.Information,
        Message = "Task definition {TaskDefinition} differs from the current configuration in '{Member}'; registering a new revision of {Family}")]
    public static partial void TaskDefinitionDrifted(this ILogger logger, string family, string taskDefinition, string member);

    [LoggerMessage(EventId = 255, EventName = "TaskDefinitionReusedDespiteDrift", Level = LogLevel.Debug,
        Message = "Reusing task definition {TaskDefinition} of family {Family} as is (ReuseExistingTaskDefinitions)")]
    public static partial void TaskDefinitionReused(this ILogger logger, string family, string taskDefinition);

    [LoggerMessage(EventId = 256, EventName = "TaskDefinitionOfOtherFlow", Level = LogLevel.Debug,
        Message = "Latest revision of {Family} is tagged for flow {TaggedFlowId8} version {TaggedVersion}; this flow is {FlowId8} version {FlowVersion}")]
    public static partial void TaskDefinitionOfOtherFlow(this ILogger logger, string family, string? taggedFlowId8, int taggedVersion, string flowId8, int flowVersion);

    [LoggerMessage(EventId = 257, EventName = "TaskDefinitionLookupByTag", Level = LogLevel.Debug,
        Message = "Looking up the task definitions tagged PrefectFlowId={FlowId8}: {Count} found")]
    public static partial void TaskDefinitionLookupByTag(this ILogger logger, string flowId8, int count);

    [LoggerMessage(EventId = 258, EventName = "RegisteringTaskDefinition", Level = LogLevel.Debug,
        Message = "Registering task definition {Family}")]
    public static partial void RegisteringTaskDefinition(this ILogger logger, string family);

    [LoggerMessage(EventId = 259, EventName = "TaskDefinitionRegistered", Level = LogLevel.Information,
        Message = "Registered task definition {TaskDefinition}")]
    public static partial void TaskDefinitionRegistered(this ILogger logger, string taskDefinition);

    [LoggerMessage(EventId = 260, EventName = "TaskDefinitionInvalidated", Level = LogLevel.Information,
        Message = "Forgetting the cached task definitions of family {Family}: {Reason}")]
    public static partial void TaskDefinitionInvalidated(this ILogger logger, string family, string reason);

    [LoggerMessage(EventId = 261, EventName = "TaskDefinitionFamiliesListed", Level = LogLevel.Debug,
        Message = "Listed {Count} ACTIVE task definition families named '{Prefix}*' in {Pages} page(s); a family not among them is registered without a describe")]
    public static partial void TaskDefinitionFamiliesListed(this ILogger logger, string prefix, int count, int pages);

    [LoggerMessage(EventId = 262, EventName = "TaskDefinitionFamilyListingFailed", Level = LogLevel.Warning,
        Message = "Could not list the task definition families named '{Prefix}*' ({Reason}); checking each new family with DescribeTaskDefinition instead (one more ECS call per new family). Allow ecs:ListTaskDefinitionFamilies in the agent's IAM policy to save it")]
    public static partial void TaskDefinitionFamilyListingFailed(this ILogger logger, string prefix, string reason);

    [LoggerMessage(EventId = 263, EventName = "TaskDefinitionFamilyListingFailedAgain", Level = LogLevel.Debug,
        Message = "Could not list the task definition families named '{Prefix}*' ({Reason}); checking each new family with DescribeTaskDefinition")]
    public static partial void TaskDefinitionFamilyListingFailedAgain(this ILogger logger, string prefix, string reason);

    [LoggerMessage(EventId = 264, EventName = "TaskDefinitionFamilyListingIncomplete", Level = LogLevel.Information,
        Message = "More than {Count} ACTIVE task definition families are named '{Prefix}*' (stopped after {Pages} pages); checking each new family with DescribeTaskDefinition instead")]
    public static partial void TaskDefinitionFamilyListingIncomplete(this ILogger logger, string prefix, int count, int pages);

    [LoggerMessage(EventId = 265, EventName = "TaskDefinitionFamilyNotListed", Level = LogLevel.Debug,
        Message = "Task definition family {Family} was not among the ACTIVE families listed; registering it without a describe")]
    public static partial void TaskDefinitionFamilyNotListed(this ILogger logger, string family);

    [LoggerMessage(EventId = 270, EventName = "RunningTask", Level = LogLevel.Debug,
        Message = "Running task for flow run {FlowRunId} using task definition {TaskDefinition}")]
    public static partial void RunningTask(this ILogger logger, string flowRunId, string? taskDefinition);

    [LoggerMessage(EventId = 271, EventName = "TaskStarted", Level = LogLevel.Debug,
        Message = "Run created for task {TaskArn} (flow run {FlowRunId})")]
    public static partial void TaskStarted(this ILogger logger, string flowRunId, string taskArn);

    [LoggerMessage(EventId = 272, EventName = "TaskNotStarted", Level = LogLevel.Warning,
        Message = "ECS started no task for flow run {FlowRunId}: {Failures}")]
    public static partial void TaskNotStarted(this ILogger logger, string flowRunId, string failures);

    [LoggerMessage(EventId = 274, EventName = "TooManyTasksStarted", Level = LogLevel.Error,
        Message = "ECS started {Count} tasks for flow run {FlowRunId} ({TaskArns}); one was expected")]
    public static partial void TooManyTasksStarted(this ILogger logger, string flowRunId, int count, string taskArns);

    [LoggerMessage(EventId = 280, EventName = "RunTaskConflict", Level = LogLevel.Information,
        Message = "RunTask for flow run {FlowRunId}: the clientToken already started a task ({Reason}); found {TaskArns}")]
    public static partial void RunTaskConflict(this ILogger logger, string flowRunId, string reason, string taskArns);

    [LoggerMessage(EventId = 281, EventName = "StoppingTask", Level = LogLevel.Debug,
        Message = "Stopping task {TaskArn} in cluster {Cluster}: {Reason}")]
    public static partial void StoppingTask(this ILogger logger, string taskArn, string cluster, string reason);
}
