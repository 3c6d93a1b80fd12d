using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>Log events of the kwargs pipeline (ids 400-419). Values are never logged: kwargs may hold secrets.</summary>
internal static partial class KwargsLog
{
    [LoggerMessage(EventId = 400, EventName = "KwargIgnored", Level = LogLevel.Debug, Message = "Kwarg {Key} is not used by the agent and is ignored")]
    public static partial void KwargIgnored(this ILogger logger, string key);

    [LoggerMessage(EventId = 401, EventName = "KwargFromEnvironment", Level = LogLevel.Debug, Message = "Kwarg read from the environment variable {Variable}")]
    public static partial void KwargFromEnvironment(this ILogger logger, string variable);

    [LoggerMessage(EventId = 402, EventName = "KwargsParsed", Level = LogLevel.Debug, Message = "Kwargs parsed: task definition {TaskDefinitionKeys}, run {RunKeys}, container {ContainerKeys}")]
    public static partial void KwargsParsed(this ILogger logger, string taskDefinitionKeys, string runKeys, string containerKeys);

    /// <summary>Logs what <see cref="KwargsParser.Parse"/> did, keys only.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="parsed">The parsed kwargs.</param>
    public static void LogParsed(this ILogger logger, ParsedKwargs parsed)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        foreach (var key in parsed.IgnoredKeys)
        {
            logger.KwargIgnored(key);
        }

        foreach (var variable in parsed.KeysFromEnvironment)
        {
            logger.KwargFromEnvironment(variable);
        }

        logger.KwargsParsed(
            string.Join(", ", parsed.TaskDefinition.Select(p => p.Key)),
            string.Join(", ", parsed.Run.Select(p => p.Key)),
            string.Join(", ", parsed.Container.Select(p => p.Key)));
    }
}
