namespace Prefect.Agent.Fargate.Tests.S3;

/// <summary>Tests that set process-wide environment variables run alone (COMMON test rules).</summary>
[CollectionDefinition("ProcessEnvironment", DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;
