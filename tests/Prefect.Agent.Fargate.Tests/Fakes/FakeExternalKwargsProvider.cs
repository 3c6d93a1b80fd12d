using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>Answers every flow with the same overrides (or throws).</summary>
public sealed class FakeExternalKwargsProvider : IExternalKwargsProvider
{
    public JsonObject? Kwargs { get; set; }

    public Exception? Exception { get; set; }

    public ConcurrentQueue<string> Requested { get; } = new();

    public Task<JsonObject?> GetKwargsAsync(FlowRun run, CancellationToken cancellationToken)
    {
        Requested.Enqueue(run.Id);
        return Exception is { } ex ? Task.FromException<JsonObject?>(ex) : Task.FromResult(Kwargs?.DeepClone().AsObject());
    }
}
