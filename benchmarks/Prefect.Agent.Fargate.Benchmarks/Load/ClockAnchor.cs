using System.Diagnostics;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>Maps the wall-clock times the fakes record onto <see cref="Stopwatch"/> timestamps (taken together once).</summary>
internal sealed class ClockAnchor
{
    private readonly long timestamp = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset utc = TimeProvider.System.GetUtcNow();

    public long ToTimestamp(DateTimeOffset at) => timestamp + (long)((at - utc).TotalSeconds * Stopwatch.Frequency);
}
