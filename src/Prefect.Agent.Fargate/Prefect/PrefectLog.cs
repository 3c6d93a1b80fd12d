using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Source-generated log messages of the Prefect backend (event ids 100-199). Never logs a credential.</summary>
internal static partial class PrefectLog
{
    [LoggerMessage(EventId = 100, EventName = "VerifyingCloudAuthentication", Level = LogLevel.Debug, Message = "Verifying authentication with Prefect Cloud...")]
    public static partial void VerifyingCloudAuthentication(this ILogger logger);

    [LoggerMessage(EventId = 101, EventName = "RegisteringAgent", Level = LogLevel.Information, Message = "Registering agent...")]
    public static partial void RegisteringAgent(this ILogger logger);

    [LoggerMessage(EventId = 102, EventName = "RegisteringAgentWithConfig", Level = LogLevel.Information, Message = "Registering agent with config {AgentConfigId}...")]
    public static partial void RegisteringAgentWithConfig(this ILogger logger, string agentConfigId);

    [LoggerMessage(EventId = 103, EventName = "RegistrationSuccessful", Level = LogLevel.Information, Message = "Registration successful!")]
    public static partial void RegistrationSuccessful(this ILogger logger);

    [LoggerMessage(EventId = 104, EventName = "AssignedAgentId", Level = LogLevel.Debug, Message = "Assigned agent id: {AgentId}")]
    public static partial void AssignedAgentId(this ILogger logger, string agentId);

    [LoggerMessage(EventId = 105, EventName = "SendingTestQuery", Level = LogLevel.Debug, Message = "Sending test query to API at '{ApiUrl}'...")]
    public static partial void SendingTestQuery(this ILogger logger, string apiUrl);

    [LoggerMessage(EventId = 106, EventName = "FoundReadyFlowRuns", Level = LogLevel.Debug, Message = "Found {Count} ready flow run(s): {FlowRunIds}{AlreadySubmitting}")]
    public static partial void FoundReadyFlowRuns(this ILogger logger, int count, string flowRunIds, string alreadySubmitting);

    [LoggerMessage(EventId = 107, EventName = "NoReadyFlowRuns", Level = LogLevel.Debug, Message = "No ready flow runs found.{AlreadySubmitting}")]
    public static partial void NoReadyFlowRuns(this ILogger logger, string alreadySubmitting);

    [LoggerMessage(EventId = 108, EventName = "RetrievingMetadata", Level = LogLevel.Debug, Message = "Retrieving metadata for {Count} flow run(s)...")]
    public static partial void RetrievingMetadata(this ILogger logger, int count);

    [LoggerMessage(EventId = 109, EventName = "UpdatingFlowRunState", Level = LogLevel.Debug, Message = "Updating flow run {FlowRunId} state from {State} -> Submitted...")]
    public static partial void UpdatingFlowRunState(this ILogger logger, string flowRunId, string state);

    [LoggerMessage(EventId = 110, EventName = "UpdatedTaskRunStates", Level = LogLevel.Debug, Message = "Updated {Count} task runs states for flow run {FlowRunId} from  Scheduled -> Submitted")]
    public static partial void UpdatedTaskRunStates(this ILogger logger, int count, string flowRunId);

    [LoggerMessage(EventId = 111, EventName = "FlowRunTakenByAnotherAgent", Level = LogLevel.Debug, Message = "Updating Flow Run state failed: {Reason}")]
    public static partial void FlowRunTakenByAnotherAgent(this ILogger logger, string reason);

    // Event id 112 (UpdatingFlowRunStateToFailed) is retired: the deployer's event 34 says it once per run.

    [LoggerMessage(EventId = 113, EventName = "RetryingPrefectRequest", Level = LogLevel.Warning, Message = "Prefect API request {Operation} failed ({Outcome}); retry {Attempt} in {DelaySeconds} s")]
    public static partial void RetryingPrefectRequest(this ILogger logger, string operation, string outcome, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 114, EventName = "SendingBatch", Level = LogLevel.Debug, Message = "Sending {Count} {Entries} to the Prefect API in one call")]
    public static partial void SendingBatch(this ILogger logger, int count, string entries);

    [LoggerMessage(EventId = 115, EventName = "BatchFailed", Level = LogLevel.Warning, Message = "Sending {Count} {Entries} to the Prefect API failed")]
    public static partial void BatchFailed(this ILogger logger, Exception exception, int count, string entries);

    [LoggerMessage(EventId = 116, EventName = "ResolvedTenant", Level = LogLevel.Debug, Message = "Using tenant {TenantId}")]
    public static partial void ResolvedTenant(this ILogger logger, string tenantId);

    [LoggerMessage(EventId = 117, EventName = "AuthenticationFailed", Level = LogLevel.Error, Message = "Failed to verify authentication.")]
    public static partial void AuthenticationFailed(this ILogger logger);

    [LoggerMessage(EventId = 135, EventName = "ClaimingAlone", Level = LogLevel.Debug, Message = "The batch of flow run states that claimed {FlowRunId} failed ({Reason}); claiming it alone")]
    public static partial void ClaimingAlone(this ILogger logger, string flowRunId, string reason);

    [LoggerMessage(EventId = 136, EventName = "MetadataReadAhead", Level = LogLevel.Debug, Message = "Metadata of {Found} of {Count} flow run(s) read ahead with the claims")]
    public static partial void MetadataReadAhead(this ILogger logger, int found, int count);

    [LoggerMessage(EventId = 137, EventName = "ReadAheadFailed", Level = LogLevel.Debug, Message = "Reading the next flow runs' metadata ahead failed ({Reason}); their metadata is queried after the poll")]
    public static partial void ReadAheadFailed(this ILogger logger, string reason);
}
