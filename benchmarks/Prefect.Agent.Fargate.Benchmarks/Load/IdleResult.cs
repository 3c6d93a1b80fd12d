namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>What an idle agent (no runs) measured over a window after its first poll.</summary>
internal sealed class IdleResult
{
    public required string Agent { get; init; }

    public required TimeSpan Window { get; init; }

    public required TimeSpan StartToFirstPoll { get; init; }

    public required long RssAtEndBytes { get; init; }

    public required long MaxRssInWindowBytes { get; init; }

    public required long PeakRssBytes { get; init; }

    public required TimeSpan CpuInWindow { get; init; }

    public required TimeSpan CpuTotal { get; init; }

    public required int Polls { get; init; }
}
