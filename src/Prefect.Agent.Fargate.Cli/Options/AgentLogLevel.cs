using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Cli.Options;

/// <summary>The original's log level names (<c>--log-level</c>, <c>PREFECT__CLOUD__AGENT__LEVEL</c>) and their .NET levels.</summary>
internal static class AgentLogLevel
{
    public const string EnvironmentVariable = "PREFECT__CLOUD__AGENT__LEVEL";

    public static readonly IReadOnlyList<string> Names = ["DEBUG", "INFO", "WARNING", "ERROR"];

    public static bool TryParse(string? text, out LogLevel level)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "DEBUG":
                level = LogLevel.Debug;
                return true;
            case "INFO":
                level = LogLevel.Information;
                return true;
            case "WARNING":
            case "WARN":
                level = LogLevel.Warning;
                return true;
            case "ERROR":
                level = LogLevel.Error;
                return true;
            case "CRITICAL":
                level = LogLevel.Critical;
                return true;
            default:
                level = LogLevel.Information;
                return false;
        }
    }

    /// <summary>The level from the flag, else the environment variable, else INFO (like the original's config).</summary>
    /// <param name="flag">The <c>--log-level</c> value, already validated.</param>
    /// <param name="environment">The environment lookup.</param>
    /// <param name="ignoredEnvironmentValue">The environment value when it was set but not understood.</param>
    /// <returns>The level.</returns>
    public static LogLevel Resolve(string? flag, Func<string, string?> environment, out string? ignoredEnvironmentValue)
    {
        ignoredEnvironmentValue = null;
        if (TryParse(flag, out var level))
        {
            return level;
        }

        var fromEnvironment = environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return LogLevel.Information;
        }

        if (TryParse(fromEnvironment, out level))
        {
            return level;
        }

        ignoredEnvironmentValue = fromEnvironment;
        return LogLevel.Information;
    }
}
