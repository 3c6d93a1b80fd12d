using System.CommandLine;
using Prefect.Agent.Fargate.Cli.Demo;
using Prefect.Agent.Fargate.Cli.Options;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary><c>demo</c>: the real agent against local fakes of Prefect and ECS.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var logLevel = new Option<string?>("--log-level")
        {
            Description = "The agent's console log level: DEBUG, INFO, WARNING or ERROR, any case (default WARNING, to keep the progress line readable).",
            HelpName = "LEVEL",
        };
        var command = new Command(
            "demo",
            "Run the real agent against a local fake Prefect API and fake ECS on 127.0.0.1: a few scheduled flow runs are "
            + "launched as ECS tasks, then a table shows each run's task definition, task ARN and final state. No AWS, no Prefect needed.");
        command.Options.Add(logLevel);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var level = Microsoft.Extensions.Logging.LogLevel.Warning;
            if (parseResult.GetValue(logLevel) is { } text && !AgentLogLevel.TryParse(text, out level))
            {
                return await AgentCommandRunner.WriteUsageErrorAsync(
                    context,
                    "demo",
                    [$"--log-level: '{text}' is not one of {string.Join(", ", AgentLogLevel.Names)} (any case)."]).ConfigureAwait(false);
            }

            return await RunAsync(context, level, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // Not async, and the switch tested on its own: the trimmer sees the constant and drops the demo (the fakes and
    // Kestrel) from a native build that leaves it out.
    private static Task<int> RunAsync(CliContext context, Microsoft.Extensions.Logging.LogLevel level, CancellationToken cancellationToken)
    {
        if (!DemoFeature.IsSupported)
        {
            return NotIncludedAsync(context);
        }

        return context.DemoIncluded ? RunIncludedAsync(context, level, cancellationToken) : NotIncludedAsync(context);
    }

    private static async Task<int> RunIncludedAsync(CliContext context, Microsoft.Extensions.Logging.LogLevel level, CancellationToken cancellationToken)
    {
        try
        {
            return await new DemoRunner(context, context.DemoScenario, level).RunAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The demo's last line of defence: a fake that cannot start, or options the agent rejects.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await context.Error.WriteLineAsync("error: demo failed: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> NotIncludedAsync(CliContext context)
    {
        await context.Error.WriteLineAsync(
            "error: this native build of prefect-fargate-agent leaves the demo out (it would carry the fakes and a web "
            + "server). Run the demo with the dotnet tool (dotnet tool install --global Prefect.Agent.Fargate.Cli), or "
            + "publish with -p:IncludeDemo=true.").ConfigureAwait(false);
        return ExitCodes.Failure;
    }
}
