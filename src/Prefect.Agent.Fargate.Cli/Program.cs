using Prefect.Agent.Fargate.Cli.Commands;

AwsRuntimeDependencies.Register();
return await CliApplication.InvokeAsync(args, new CliContext()).ConfigureAwait(false);
