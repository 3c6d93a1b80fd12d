namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>A flow run the demo schedules in the fake Prefect API.</summary>
/// <param name="FlowName">The flow name (runs of the same flow share a task definition).</param>
/// <param name="StartOffset">When the run is due, relative to the start of the demo.</param>
/// <param name="Image">The image given by the run config (an ECSRun), if any.</param>
/// <param name="DockerStorageImage">The image given by Docker storage, if any.</param>
/// <param name="FailsToStart">
/// Whether the fake ECS stops the run's task before its flow starts (its image cannot be pulled), so that the agent's
/// task watch marks the run Failed with ECS's reason; needs <paramref name="Image"/>.
/// </param>
internal sealed record DemoFlowRun(string FlowName, TimeSpan StartOffset, string? Image = null, string? DockerStorageImage = null, bool FailsToStart = false);
