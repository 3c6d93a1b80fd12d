using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>Records RunTask requests; by default every task starts at once with a predictable ARN.</summary>
public sealed class FakeTaskLauncher : ITaskLauncher
{
    public ConcurrentQueue<TaskLaunchRequest> Requests { get; } = new();

    public Func<TaskLaunchRequest, CancellationToken, Task<TaskLaunchResult>> OnRunTask { get; set; } =
        (request, _) => Task.FromResult(new TaskLaunchResult { TaskArn = Arn(request.FlowRunId) });

    public static string Arn(string flowRunId) => "arn:aws:ecs:us-east-1:123456789012:task/prefect/" + flowRunId;

    public Task<TaskLaunchResult> RunTaskAsync(TaskLaunchRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return OnRunTask(request, cancellationToken);
    }
}
