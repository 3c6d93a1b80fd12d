using System.CommandLine;
using Prefect.Agent.Fargate.Cli.Logging;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary><c>validate</c>: the original's <c>validate_configuration()</c>, from the command line.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var options = new AgentCommandOptions();
        var command = new Command(
            "validate",
            "Check the AWS settings: register a prefect-test-task-* task definition (busybox) and run it once. "
            + "Takes the same flags and key=value items as start. Note: the test task really runs and its definition is kept.");
        options.AddTo(command, polling: false);
        command.SetAction((parseResult, cancellationToken) => AgentCommandRunner.RunAsync(
            context,
            "validate",
            options.Read(parseResult),
            static (logger, _) => logger.Validating(),
            // The agent logs each step and its result ("Task definition registration successful", "Task run <arn>
            // successful") as the original did; printing them here too showed every result twice.
            static (agent, _, token) => agent.ValidateConfigurationAsync(token),
            ExitCodes.Failure,
            cancellationToken));
        return command;
    }
}
