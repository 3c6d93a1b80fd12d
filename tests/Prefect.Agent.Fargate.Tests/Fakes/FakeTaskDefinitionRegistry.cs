using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>Records the definitions asked for; answers with the family (or a configured answer).</summary>
public sealed class FakeTaskDefinitionRegistry : ITaskDefinitionRegistry
{
    public ConcurrentQueue<TaskDefinitionRequest> Requests { get; } = new();

    public Func<TaskDefinitionRequest, string> OnEnsure { get; set; } = request => request.Family;

    public Task<string> EnsureAsync(TaskDefinitionRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return Task.FromResult(OnEnsure(request));
    }
}
