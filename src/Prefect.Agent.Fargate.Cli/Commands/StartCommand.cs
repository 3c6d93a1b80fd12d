using System.CommandLine;
using Prefect.Agent.Fargate.Cli.Logging;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary><c>start</c>: the original's <c>prefect agent fargate start</c>.</summary>
internal static class StartCommand
{
    public static Command Create(CliContext context)
    {
        var options = new AgentCommandOptions();
        var command = new Command(
            "start",
            "Start the agent: poll Prefect for scheduled flow runs and launch each as an ECS task. "
            + "Extra items key=value or --key=value set the original's constructor arguments "
            + "(launch_type=EC2, enable_task_revisions=true, region_name=..., botocore_config=\"{...}\", ...) "
            + "and ECS settings (cpu=256, memory=512, cluster=..., networkConfiguration=\"{'awsvpcConfiguration': {...}}\", ...).");
        options.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => AgentCommandRunner.RunAsync(
            context,
            "start",
            options.Read(parseResult),
            (logger, agentOptions) => logger.Starting(AgentCommandRunner.Version, AgentCommandRunner.DescribeLabels(agentOptions.Labels, context.Environment)),
            // The agent logs "Agent stopped after N poll(s)" itself.
            static (agent, _, token) => agent.StartAsync(token),
            ExitCodes.Success,
            cancellationToken));
        return command;
    }
}
