namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>Where a run's task lives and how it can be found: its cluster and its <c>startedBy</c>.</summary>
/// <param name="Cluster">The cluster, or <see langword="null"/> for the default cluster.</param>
/// <param name="StartedBy">The <c>startedBy</c> of its RunTask, or <see langword="null"/> when none is sent.</param>
internal sealed record TaskScope(string? Cluster, string? StartedBy);
