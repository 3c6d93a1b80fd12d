using Prefect.Agent.Fargate.Cli.Commands;

return await CliApplication.InvokeAsync(args, new CliContext()).ConfigureAwait(false);
