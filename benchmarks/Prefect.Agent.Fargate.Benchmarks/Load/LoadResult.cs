namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>What one run of a workload measured.</summary>
internal sealed class LoadResult
{
    public required Workload Workload { get; init; }

    public required string Agent { get; init; }

    public required int RunsDeployed { get; init; }

    public required bool Completed { get; init; }

    /// <summary>Gets the time from the agent's first <c>get_runs_in_queue</c> (all runs were ready) to the last successful RunTask.</summary>
    public required TimeSpan Wall { get; init; }

    public required IReadOnlyDictionary<string, int> EcsCalls { get; init; }

    public required IReadOnlyDictionary<string, int> GraphQLCalls { get; init; }

    public required int Throttled { get; init; }

    public IReadOnlyDictionary<string, int> ThrottledByOperation { get; init; } = new Dictionary<string, int>();

    /// <summary>Gets the runs with exactly one ECS task (by <c>startedBy</c>).</summary>
    public int RunsLaunchedOnce { get; init; }

    /// <summary>Gets the runs with more than one ECS task.</summary>
    public int RunsLaunchedTwiceOrMore { get; init; }

    /// <summary>Gets the runs the backend holds as Failed at the end.</summary>
    public int RunsFailed { get; init; }

    /// <summary>Gets, per run, the time from the metadata query that first named it to its RunTask.</summary>
    public required IReadOnlyList<TimeSpan> DeployLatencies { get; init; }

    /// <summary>Gets, per run, the time from the first poll to its RunTask (when the queue let it go).</summary>
    public required IReadOnlyList<TimeSpan> QueueLatencies { get; init; }

    public required long PeakRssBytes { get; init; }

    public required TimeSpan CpuTotal { get; init; }

    public required TimeSpan CpuUnderLoad { get; init; }

    public required TimeSpan StartToFirstPoll { get; init; }

    public required int? ExitCode { get; init; }

    public required string LogPath { get; init; }

    /// <summary>Gets the CPU time of this process (the fakes) from the agent's start to the end of the load.</summary>
    public required TimeSpan DriverCpu { get; init; }

    public IReadOnlyList<(string Constraint, TimeSpan Bound)> QuotaBounds { get; init; } = [];
}
