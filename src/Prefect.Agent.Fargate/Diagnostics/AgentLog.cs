using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Diagnostics;

/// <summary>
/// The agent loop, hosting and health endpoint log events (ids 1-99). Messages of the original are kept word for word
/// where they exist (reference 4.2-4.6, 6). No event takes a secret: options are logged by name, never by value.
/// </summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, EventName = "EnvironmentVariables", Level = LogLevel.Debug, Message = "Environment variables: {EnvVarNames}")]
    public static partial void EnvironmentVariables(this ILogger logger, IEnumerable<string> envVarNames);

    [LoggerMessage(EventId = 2, EventName = "MaxPolls", Level = LogLevel.Debug, Message = "Max polls: {MaxPolls}")]
    public static partial void MaxPolls(this ILogger logger, string maxPolls);

    [LoggerMessage(EventId = 3, EventName = "AgentAddress", Level = LogLevel.Debug, Message = "Agent address: {AgentAddress}")]
    public static partial void AgentAddress(this ILogger logger, string agentAddress);

    [LoggerMessage(EventId = 4, EventName = "LogToCloud", Level = LogLevel.Debug, Message = "Log to Cloud: {LogToCloud}")]
    public static partial void LogToCloud(this ILogger logger, bool logToCloud);

    [LoggerMessage(EventId = 5, EventName = "PrefectBackend", Level = LogLevel.Debug, Message = "Prefect backend: {Backend}")]
    public static partial void PrefectBackend(this ILogger logger, string backend);

    [LoggerMessage(EventId = 6, EventName = "LaunchType", Level = LogLevel.Debug, Message = "Launch type: {LaunchType}")]
    public static partial void LaunchType(this ILogger logger, string launchType);

    [LoggerMessage(EventId = 7, EventName = "EnableTaskRevisions", Level = LogLevel.Debug, Message = "Enable task revisions: {EnableTaskRevisions}")]
    public static partial void EnableTaskRevisions(this ILogger logger, bool enableTaskRevisions);

    [LoggerMessage(EventId = 8, EventName = "UseExternalKwargs", Level = LogLevel.Debug, Message = "Use external kwargs: {UseExternalKwargs}")]
    public static partial void UseExternalKwargs(this ILogger logger, bool useExternalKwargs);

    [LoggerMessage(EventId = 9, EventName = "ExternalKwargsS3Bucket", Level = LogLevel.Debug, Message = "External kwargs S3 bucket: {Bucket}")]
    public static partial void ExternalKwargsS3Bucket(this ILogger logger, string bucket);

    [LoggerMessage(EventId = 10, EventName = "ExternalKwargsS3Key", Level = LogLevel.Debug, Message = "External kwargs S3 key: {Key}")]
    public static partial void ExternalKwargsS3Key(this ILogger logger, string key);

    [LoggerMessage(EventId = 11, EventName = "TaskRevisionsEnabled", Level = LogLevel.Information, Message = "Native ECS task revisions enabled.")]
    public static partial void TaskRevisionsEnabled(this ILogger logger);

    [LoggerMessage(EventId = 12, EventName = "ExternalKwargsEnabled", Level = LogLevel.Information, Message = "Use of external S3 kwargs enabled.")]
    public static partial void ExternalKwargsEnabled(this ILogger logger);

    [LoggerMessage(EventId = 16, EventName = "Registered", Level = LogLevel.Debug, Message = "Agent registered with id {AgentId}")]
    public static partial void Registered(this ILogger logger, string agentId);

    [LoggerMessage(EventId = 17, EventName = "Starting", Level = LogLevel.Information, Message = "Starting FargateAgent with labels {Labels}")]
    public static partial void Starting(this ILogger logger, string labels);

    [LoggerMessage(EventId = 18, EventName = "Documentation", Level = LogLevel.Information, Message = "Agent documentation can be found at https://docs.prefect.io/orchestration/")]
    public static partial void Documentation(this ILogger logger);

    [LoggerMessage(EventId = 19, EventName = "WaitingForFlowRuns", Level = LogLevel.Information, Message = "Waiting for flow runs...")]
    public static partial void WaitingForFlowRuns(this ILogger logger);

    [LoggerMessage(EventId = 20, EventName = "HealthEndpointListening", Level = LogLevel.Information, Message = "Health endpoint listening on {Endpoint}")]
    public static partial void HealthEndpointListening(this ILogger logger, string endpoint);

    [LoggerMessage(EventId = 21, EventName = "Sleeping", Level = LogLevel.Debug, Message = "Sleeping flow run poller for {Seconds} seconds...")]
    public static partial void Sleeping(this ILogger logger, double seconds);

    [LoggerMessage(EventId = 22, EventName = "FoundReadyRuns", Level = LogLevel.Debug, Message = "Found {Count} ready flow run(s): {FlowRunIds}")]
    public static partial void FoundReadyRuns(this ILogger logger, int count, IEnumerable<string> flowRunIds);

    [LoggerMessage(EventId = 23, EventName = "NoReadyRuns", Level = LogLevel.Debug, Message = "No ready flow runs found.")]
    public static partial void NoReadyRuns(this ILogger logger);

    [LoggerMessage(EventId = 24, EventName = "PollFailed", Level = LogLevel.Error, Message = "Failed to query for ready flow runs")]
    public static partial void PollFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 25, EventName = "SubmittingRun", Level = LogLevel.Debug, Message = "Submitting flow run {FlowRunId} for deployment...")]
    public static partial void SubmittingRun(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 26, EventName = "WaitingToDeploy", Level = LogLevel.Debug, Message = "Waiting {Seconds}s to deploy flow run {FlowRunId} on time...")]
    public static partial void WaitingToDeploy(this ILogger logger, double seconds, string flowRunId);

    [LoggerMessage(EventId = 27, EventName = "Deploying", Level = LogLevel.Information, Message = "Deploying flow run {FlowRunId} to execution environment...")]
    public static partial void Deploying(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 28, EventName = "UpdatingToSubmitted", Level = LogLevel.Debug, Message = "Updating flow run {FlowRunId} state from Scheduled -> Submitted...")]
    public static partial void UpdatingToSubmitted(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 29, EventName = "TakenByAnotherAgent", Level = LogLevel.Debug, Message = "Flow run {FlowRunId} was changed by another agent first (version lock); skipping it")]
    public static partial void TakenByAnotherAgent(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 30, EventName = "ClaimFailed", Level = LogLevel.Warning, Message = "Failed to mark flow run {FlowRunId} Submitted; it was neither deployed nor marked Failed")]
    public static partial void ClaimFailed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 31, EventName = "DeploymentCompleted", Level = LogLevel.Information, Message = "Completed deployment of flow run {FlowRunId}")]
    public static partial void DeploymentCompleted(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 32, EventName = "DeploymentFailed", Level = LogLevel.Error, Message = "Exception encountered while deploying flow run {FlowRunId}")]
    public static partial void DeploymentFailed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 33, EventName = "WriteLogFailed", Level = LogLevel.Warning, Message = "Failed to write a log line of flow run {FlowRunId} to the backend")]
    public static partial void WriteLogFailed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 34, EventName = "UpdatingToFailed", Level = LogLevel.Error, Message = "Updating flow run {FlowRunId} state to Failed...")]
    public static partial void UpdatingToFailed(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 35, EventName = "MarkFailedFailed", Level = LogLevel.Error, Message = "Failed to mark flow run {FlowRunId} Failed")]
    public static partial void MarkFailedFailed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 36, EventName = "DeploymentAborted", Level = LogLevel.Error, Message = "Deployment of {FlowRunId} aborted!")]
    public static partial void DeploymentAborted(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 37, EventName = "Draining", Level = LogLevel.Information, Message = "Stopping: waiting up to {Seconds} s for {Count} in-flight deployment(s)...")]
    public static partial void Draining(this ILogger logger, double seconds, int count);

    [LoggerMessage(EventId = 38, EventName = "DrainTimedOut", Level = LogLevel.Warning, Message = "In-flight deployments did not finish within {Seconds} s; cancelling them")]
    public static partial void DrainTimedOut(this ILogger logger, double seconds);

    [LoggerMessage(EventId = 39, EventName = "Stopped", Level = LogLevel.Information, Message = "Agent stopped after {Polls} poll(s)")]
    public static partial void Stopped(this ILogger logger, long polls);

    [LoggerMessage(EventId = 40, EventName = "FatalError", Level = LogLevel.Critical, Message = "Fatal error; the agent stops")]
    public static partial void FatalError(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 41, EventName = "MaxPollsReached", Level = LogLevel.Debug, Message = "Max polls ({MaxPolls}) reached")]
    public static partial void MaxPollsReached(this ILogger logger, int maxPolls);

    [LoggerMessage(EventId = 42, EventName = "Poked", Level = LogLevel.Debug, Message = "Poke received; polling now")]
    public static partial void Poked(this ILogger logger);

    [LoggerMessage(EventId = 43, EventName = "HealthRequestFailed", Level = LogLevel.Debug, Message = "Health endpoint failed to answer a request")]
    public static partial void HealthRequestFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 44, EventName = "TestingTaskDefinitionRegistration", Level = LogLevel.Information, Message = "Testing task definition registration...")]
    public static partial void TestingTaskDefinitionRegistration(this ILogger logger);

    [LoggerMessage(EventId = 45, EventName = "TaskDefinitionRegistrationSuccessful", Level = LogLevel.Information, Message = "Task definition registration successful")]
    public static partial void TaskDefinitionRegistrationSuccessful(this ILogger logger);

    [LoggerMessage(EventId = 46, EventName = "TestingTaskRun", Level = LogLevel.Information, Message = "Testing task run...")]
    public static partial void TestingTaskRun(this ILogger logger);

    [LoggerMessage(EventId = 47, EventName = "TaskRunSuccessful", Level = LogLevel.Information, Message = "Task run {TaskArn} successful")]
    public static partial void TaskRunSuccessful(this ILogger logger, string taskArn);

    [LoggerMessage(EventId = 48, EventName = "DeploymentCancelled", Level = LogLevel.Warning, Message = "Deployment of flow run {FlowRunId} was cancelled while the agent stopped")]
    public static partial void DeploymentCancelled(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 54, EventName = "RetryingDeployment", Level = LogLevel.Information, Message = "Retrying deployment of {FlowRunId} in {DelaySeconds:0.0} s after {Reason} (attempt {Attempt})")]
    public static partial void RetryingDeployment(this ILogger logger, string flowRunId, double delaySeconds, string reason, int attempt);

    [LoggerMessage(EventId = 56, EventName = "TaskDefinitionInactiveOnRun", Level = LogLevel.Warning, Message = "RunTask for flow run {FlowRunId} says task definition {TaskDefinition} is inactive or missing ({Reason}); ensuring it again and retrying once")]
    public static partial void TaskDefinitionInactiveOnRun(this ILogger logger, string flowRunId, string taskDefinition, string reason);

    [LoggerMessage(EventId = 57, EventName = "LeftWaitingForRetry", Level = LogLevel.Warning, Message = "Flow run {FlowRunId} was still waiting for a deployment retry when the shutdown drain ended; it stays Submitted")]
    public static partial void LeftWaitingForRetry(this ILogger logger, string flowRunId);

    [LoggerMessage(EventId = 49, EventName = "DeploymentCrashed", Level = LogLevel.Error, Message = "Unexpected error around the deployment of flow run {FlowRunId}")]
    public static partial void DeploymentCrashed(this ILogger logger, Exception exception, string flowRunId);

    [LoggerMessage(EventId = 50, EventName = "HostedAgentFailed", Level = LogLevel.Critical, Message = "{Agent} stopped with a fatal error; stopping the host (exit code 1)")]
    public static partial void HostedAgentFailed(this ILogger logger, Exception exception, string agent);

    [LoggerMessage(EventId = 52, EventName = "HostedAgentFinished", Level = LogLevel.Information, Message = "{Agent} finished (max polls reached); stopping the host")]
    public static partial void HostedAgentFinished(this ILogger logger, string agent);

    [LoggerMessage(EventId = 55, EventName = "HostedAgentFailedHostKeepsRunning", Level = LogLevel.Critical, Message = "{Agent} stopped with a fatal error; the host keeps running (OnFatalError is Ignore) and the agent's health check reports Unhealthy")]
    public static partial void HostedAgentFailedHostKeepsRunning(this ILogger logger, Exception exception, string agent);

    [LoggerMessage(EventId = 51, EventName = "SlotsFull", Level = LogLevel.Debug, Message = "All {MaxConcurrentDeployments} deployment slots are busy; waiting for one to free")]
    public static partial void SlotsFull(this ILogger logger, int maxConcurrentDeployments);

    [LoggerMessage(EventId = 53, EventName = "HealthEndpointStopped", Level = LogLevel.Debug, Message = "Health endpoint stopped")]
    public static partial void HealthEndpointStopped(this ILogger logger);
}
