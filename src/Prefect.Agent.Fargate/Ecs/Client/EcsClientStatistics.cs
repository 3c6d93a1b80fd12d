using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>Counters of an ECS client: calls and HTTP attempts per operation, throttled responses (read by the benchmark).</summary>
internal sealed class EcsClientStatistics
{
    private readonly ConcurrentDictionary<string, long> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> attempts = new(StringComparer.Ordinal);
    private long throttled;

    /// <summary>Gets the number of throttled responses (all operations, all attempts).</summary>
    public long ThrottledResponses => Interlocked.Read(ref throttled);

    /// <summary>Gets the logical calls per operation (retries not counted).</summary>
    public IReadOnlyDictionary<string, long> Calls => new Dictionary<string, long>(calls, StringComparer.Ordinal);

    /// <summary>Gets the HTTP attempts per operation (retries counted).</summary>
    public IReadOnlyDictionary<string, long> Attempts => new Dictionary<string, long>(attempts, StringComparer.Ordinal);

    public long GetCalls(string operation) => calls.TryGetValue(operation, out var n) ? n : 0;

    public long GetAttempts(string operation) => attempts.TryGetValue(operation, out var n) ? n : 0;

    internal void OnCall(string operation) => calls.AddOrUpdate(operation, 1, static (_, n) => n + 1);

    internal void OnAttempt(string operation) => attempts.AddOrUpdate(operation, 1, static (_, n) => n + 1);

    internal void OnThrottled() => Interlocked.Increment(ref throttled);
}
