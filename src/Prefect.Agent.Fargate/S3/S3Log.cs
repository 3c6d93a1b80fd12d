using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.S3;

/// <summary>Log events of the external kwargs provider (event ids 300-399). Object bodies are never logged.</summary>
internal static partial class S3Log
{
    [LoggerMessage(EventId = 300, EventName = "FetchingExternalKwargs", Level = LogLevel.Information,
        Message = "Fetching external kwargs for flow {FlowId8} from s3://{Bucket}/{Key}")]
    public static partial void FetchingExternalKwargs(this ILogger logger, string flowId8, string bucket, string key);

    [LoggerMessage(EventId = 301, EventName = "NoExternalKwargs", Level = LogLevel.Information,
        Message = "Flow id {FlowId8} does not have external kwargs (no object s3://{Bucket}/{Key})")]
    public static partial void NoExternalKwargs(this ILogger logger, string flowId8, string bucket, string key);

    [LoggerMessage(EventId = 302, EventName = "ExternalKwargsRead", Level = LogLevel.Information,
        Message = "Updating default kwargs with external ones from s3://{Bucket}/{Key}: {Keys}")]
    public static partial void ExternalKwargsRead(this ILogger logger, string bucket, string key, string keys);

    [LoggerMessage(EventId = 303, EventName = "ExternalKwargsFailed", Level = LogLevel.Warning,
        Message = "Reading external kwargs from s3://{Bucket}/{Key} failed: {Reason}")]
    public static partial void ExternalKwargsFailed(this ILogger logger, string bucket, string key, string reason);
}
