using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Prefect.Agent.Fargate.Cli.Logging;

/// <summary>
/// Writes log lines the way the original agent did (<c>[%(asctime)s] %(levelname)s - %(name)s | %(message)s</c> in
/// UTC), e.g. <c>[2021-07-01 18:00:05,873] INFO - agent | Waiting for flow runs...</c>, so log tooling written for the
/// Python agent keeps working.
/// </summary>
internal sealed class PrefectConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "prefect";

    private readonly IOptionsMonitor<PrefectConsoleFormatterOptions> options;

    public PrefectConsoleFormatter(IOptionsMonitor<PrefectConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        this.options = options;
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "NOTSET",
    };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var current = options.CurrentValue;
        var timestamp = current.TimeProvider.GetUtcNow().UtcDateTime;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"[{timestamp:yyyy-MM-dd HH:mm:ss,fff}] {LevelName(logEntry.LogLevel)} - {current.AgentName} | {message}");
        textWriter.Write(line);
        textWriter.Write('\n');

        if (logEntry.Exception is { } exception)
        {
            // At INFO and above a user sees what went wrong, not a stack trace; DEBUG shows everything.
            textWriter.Write(current.IncludeExceptionDetails ? exception.ToString() : $"{exception.GetType().Name}: {exception.Message}");
            textWriter.Write('\n');
        }
    }
}
