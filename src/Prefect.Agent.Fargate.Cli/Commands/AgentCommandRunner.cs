using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Cli.Logging;
using Prefect.Agent.Fargate.Cli.Options;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>
/// What <c>start</c> and <c>validate</c> share: options from the command line, logging, SIGINT/SIGTERM, and the
/// mapping of outcomes to exit codes (0 normal, 1 runtime failure, 2 bad usage).
/// </summary>
internal static class AgentCommandRunner
{
    public const string CategoryName = "Prefect.Agent.Fargate.Cli";

    public static string Version { get; } = ReadVersion();

    public static async Task<int> RunAsync(
        CliContext context,
        string commandName,
        StartArguments arguments,
        Action<ILogger, AgentOptions> announce,
        Func<IAgentHandle, ILogger, CancellationToken, Task> body,
        int exitCodeWhenCancelled,
        CancellationToken cancellationToken)
    {
        AgentOptions options;
        try
        {
            options = StartOptionsBuilder.Build(arguments);
        }
        catch (UsageException ex)
        {
            return await WriteUsageErrorAsync(context, commandName, ex.Errors.Count > 0 ? ex.Errors : [ex.Message]).ConfigureAwait(false);
        }

        var level = AgentLogLevel.Resolve(arguments.LogLevel, context.Environment, out var ignoredLevel);
        var agentName = options.Name ?? NullIfEmpty(context.Environment("PREFECT__CLOUD__AGENT__NAME")) ?? "agent";
        using var loggerFactory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);
            context.ConfigureLogging(builder, agentName, level);
        });
        options.LoggerFactory = loggerFactory;
        options.TimeProvider = context.TimeProvider;
        var logger = loggerFactory.CreateLogger(CategoryName);
        if (ignoredLevel is not null)
        {
            logger.IgnoredLogLevel(ignoredLevel);
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = context.HandleSignals ? Register(PosixSignal.SIGINT, "Keyboard interrupt", stopping, logger) : null;
        using var sigterm = context.HandleSignals ? Register(PosixSignal.SIGTERM, "SIGTERM", stopping, logger) : null;
        try
        {
            // The agent validates its options when it is created: a usage error is reported before the banner.
            var agent = context.AgentFactory(options);
            announce(logger, options);
            await using (agent.ConfigureAwait(false))
            {
                await body(agent, logger, stopping.Token).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.Stopped();
            return exitCodeWhenCancelled;
        }
        catch (OptionsValidationException ex)
        {
            // Options that the library rejects (often from environment variables) are a usage problem, not a crash.
            return await WriteUsageErrorAsync(context, commandName, CliSpellings.Rewrite(ex.Failures, arguments)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The tool's last line of defence: every failure becomes a message and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await WriteFailureAsync(context, ex, level <= LogLevel.Debug).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    public static async Task<int> WriteUsageErrorAsync(CliContext context, string commandName, IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            await context.Error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
        }

        var command = string.IsNullOrEmpty(commandName) ? "prefect-fargate-agent" : "prefect-fargate-agent " + commandName;
        await context.Error.WriteLineAsync($"Run '{command} --help' for usage.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    /// <summary>Renders labels as the original's repr of a list, e.g. <c>['aws', 'staging']</c>.</summary>
    /// <param name="labels">The labels given on the command line.</param>
    /// <param name="environment">The environment lookup, for the fallback the library will apply.</param>
    /// <returns>The text shown in the banner.</returns>
    public static string DescribeLabels(IList<string> labels, Func<string, string?> environment)
    {
        if (labels.Count > 0)
        {
            return "[" + string.Join(", ", labels.Select(l => "'" + l.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'")) + "]";
        }

        var fromEnvironment = environment("PREFECT__CLOUD__AGENT__LABELS");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? "[]" : fromEnvironment.Trim();
    }

    private static async Task WriteFailureAsync(CliContext context, Exception exception, bool debug)
    {
        if (debug)
        {
            await context.Error.WriteLineAsync($"error: {exception}").ConfigureAwait(false);
            return;
        }

        await context.Error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            await context.Error.WriteLineAsync($"  caused by: {inner.Message}").ConfigureAwait(false);
        }

        await context.Error.WriteLineAsync("(run with --log-level DEBUG for the stack trace)").ConfigureAwait(false);
    }

    private static PosixSignalRegistration Register(PosixSignal signal, string name, CancellationTokenSource stopping, ILogger logger)
        => PosixSignalRegistration.Create(signal, signalContext =>
        {
            // The first signal drains; a second one is left to the runtime and ends the process at once.
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            signalContext.Cancel = true;
            logger.ShutdownSignal(name);
            stopping.Cancel();
        });

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string ReadVersion()
    {
        var informational = typeof(AgentCommandRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
