using System.CommandLine;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary><c>demo</c>: the real agent against local fakes of Prefect and ECS. Wired once the fakes exist.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Run the real agent against a local fake Prefect API and fake ECS: no AWS, no Prefect needed.");
        command.SetAction(async (_, _) =>
        {
            await context.Out.WriteLineAsync("demo: wired after the fakes land").ConfigureAwait(false);
            return ExitCodes.NotWired;
        });
        return command;
    }
}
