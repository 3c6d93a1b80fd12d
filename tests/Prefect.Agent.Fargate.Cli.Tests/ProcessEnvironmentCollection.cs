namespace Prefect.Agent.Fargate.Cli.Tests;

/// <summary>Tests that read or change the test host's environment variables run alone, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "ProcessEnvironment";
}
