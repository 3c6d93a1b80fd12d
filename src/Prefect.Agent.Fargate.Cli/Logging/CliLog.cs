using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Cli.Logging;

/// <summary>Log messages of the command-line tool (event ids 500-599).</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 500, EventName = "CliStarting", Level = LogLevel.Information, Message = "Starting prefect-fargate-agent {Version} (labels {Labels})")]
    public static partial void Starting(this ILogger logger, string version, string labels);

    [LoggerMessage(EventId = 501, EventName = "CliShutdownSignal", Level = LogLevel.Information, Message = "{Signal} received! Shutting down...")]
    public static partial void ShutdownSignal(this ILogger logger, string signal);

    [LoggerMessage(EventId = 502, EventName = "CliStopped", Level = LogLevel.Information, Message = "Agent stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(EventId = 503, EventName = "CliIgnoredLogLevel", Level = LogLevel.Warning, Message = "PREFECT__CLOUD__AGENT__LEVEL='{Value}' is not one of DEBUG, INFO, WARNING, ERROR; using INFO")]
    public static partial void IgnoredLogLevel(this ILogger logger, string value);

    [LoggerMessage(EventId = 504, EventName = "CliValidating", Level = LogLevel.Information, Message = "Validating the AWS configuration: registering a prefect-test-task-* definition and running it")]
    public static partial void Validating(this ILogger logger);

    [LoggerMessage(EventId = 505, EventName = "CliFailed", Level = LogLevel.Error, Message = "The agent failed: {Message}")]
    public static partial void Failed(this ILogger logger, string message, Exception exception);
}
