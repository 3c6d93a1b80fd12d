
namespace Prefect.Agent.Fargate.Hosting;

/// <summary>
/// The agent's <see cref="ITaskMonitor"/> from the container, resolved on first use only: the default one creates the
/// ECS client, which a host with its own launcher and registry (and no AWS region) must not need until the task watch
/// or the reconciler calls ECS, as with <c>new FargateAgent(...)</c>.
/// </summary>
internal sealed class DeferredTaskMonitor(Func<ITaskMonitor> resolve) : ITaskMonitor
{
    private readonly Lazy<ITaskMonitor> inner = new(resolve);

    public Task<IReadOnlyList<EcsTaskStatus>> DescribeTasksAsync(string? cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken) =>
        inner.Value.DescribeTasksAsync(cluster, taskArns, cancellationToken);

    public Task<IReadOnlyList<string>> FindTasksAsync(string? cluster, string startedBy, CancellationToken cancellationToken) =>
        inner.Value.FindTasksAsync(cluster, startedBy, cancellationToken);

    public Task StopTaskAsync(string? cluster, string taskArn, string reason, CancellationToken cancellationToken) =>
        inner.Value.StopTaskAsync(cluster, taskArn, reason, cancellationToken);
}
