using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>Log messages of the ECS client (event ids 200-249).</summary>
internal static partial class EcsClientLog
{
    [LoggerMessage(EventId = 200, EventName = "AwsAttemptRetried", Level = LogLevel.Information,
        Message = "{Service} {Operation} attempt {Attempt} failed ({ErrorCode}); retry {Retry} in {DelaySeconds} s")]
    public static partial void AttemptRetried(this ILogger logger, string service, string operation, int attempt, string errorCode, int retry, double delaySeconds);

    [LoggerMessage(EventId = 201, EventName = "AwsThrottled", Level = LogLevel.Warning,
        Message = "{Service} {Operation} was throttled ({ErrorCode}); {ApiGroup} calls slowed down to {RatePerSecond:0.##}/s")]
    public static partial void Throttled(this ILogger logger, string service, string operation, string errorCode, EcsApiGroup apiGroup, double ratePerSecond);

    [LoggerMessage(EventId = 202, EventName = "AwsCallFailed", Level = LogLevel.Debug,
        Message = "{Service} {Operation} failed after {Attempts} attempt(s): {ErrorCode} (HTTP {StatusCode}, request id {RequestId})")]
    public static partial void CallFailed(this ILogger logger, string service, string operation, int attempts, string errorCode, int statusCode, string? requestId);
}
