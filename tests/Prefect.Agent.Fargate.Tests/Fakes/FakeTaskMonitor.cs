using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>An in-memory <see cref="ITaskMonitor"/>: tasks by ARN, startedBy index, recorded calls.</summary>
public sealed class FakeTaskMonitor : ITaskMonitor
{
    public ConcurrentDictionary<string, EcsTaskStatus> Tasks { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, List<string>> ByStartedBy { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string? Cluster, int Count)> Describes { get; } = new();

    public ConcurrentQueue<(string? Cluster, string StartedBy)> Finds { get; } = new();

    public ConcurrentQueue<(string? Cluster, string TaskArn, string Reason)> Stops { get; } = new();

    public void Set(string arn, string lastStatus, string? stopCode = null, string? reason = null, params EcsContainerStatus[] containers) =>
        Tasks[arn] = new EcsTaskStatus { TaskArn = arn, LastStatus = lastStatus, StopCode = stopCode, StoppedReason = reason, Containers = containers };

    public Task<IReadOnlyList<EcsTaskStatus>> DescribeTasksAsync(string? cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken)
    {
        Assert.InRange(taskArns.Count, 1, ITaskMonitor.MaxDescribeBatch);
        Describes.Enqueue((cluster, taskArns.Count));
        IReadOnlyList<EcsTaskStatus> found = taskArns.Select(a => Tasks.GetValueOrDefault(a)).OfType<EcsTaskStatus>().ToList();
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<string>> FindTasksAsync(string? cluster, string startedBy, CancellationToken cancellationToken)
    {
        Finds.Enqueue((cluster, startedBy));
        IReadOnlyList<string> found = ByStartedBy.TryGetValue(startedBy, out var list) ? list.ToList() : [];
        return Task.FromResult(found);
    }

    public Task StopTaskAsync(string? cluster, string taskArn, string reason, CancellationToken cancellationToken)
    {
        Stops.Enqueue((cluster, taskArn, reason));
        return Task.CompletedTask;
    }
}
