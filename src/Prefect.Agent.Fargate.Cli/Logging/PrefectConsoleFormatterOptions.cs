using Microsoft.Extensions.Logging.Console;

namespace Prefect.Agent.Fargate.Cli.Logging;

/// <summary>Options of <see cref="PrefectConsoleFormatter"/>.</summary>
internal sealed class PrefectConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Gets or sets the name shown between the level and the message (the original showed the agent name).</summary>
    public string AgentName { get; set; } = "agent";

    /// <summary>Gets or sets whether exceptions are written with their stack traces (only at DEBUG).</summary>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>Gets or sets the clock of the timestamps.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
