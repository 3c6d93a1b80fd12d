namespace Prefect.Agent.Fargate;

/// <summary>A query for ready flow runs.</summary>
public sealed class FlowRunQuery
{
    /// <summary>The most runs Prefect Server's <c>get_runs_in_queue</c> answers at once.</summary>
    internal const int ServerPageSize = 25;

    /// <summary>Gets the agent's labels.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Gets the ids of runs this agent is already deploying (left out of the result).</summary>
    public IReadOnlyCollection<string> Exclude { get; init; } = [];

    /// <summary>Gets how many runs to return at most (free deployment slots).</summary>
    public int MaxRuns { get; init; } = int.MaxValue;

    /// <summary>
    /// Gets how many runs to return at most, read when the answer arrives rather than when the query is sent (the poll
    /// loop's pipeline: deployments finish while the page is on its way); <see langword="null"/>: <see cref="MaxRuns"/>.
    /// </summary>
    internal Func<int>? MaxRunsOnArrival { get; init; }

    /// <summary>Gets how many runs to return at most, now.</summary>
    internal int MaxRunsNow => MaxRunsOnArrival?.Invoke() ?? MaxRuns;
}
