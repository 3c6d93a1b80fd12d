namespace Prefect.Agent.Fargate;

/// <summary>The result of one poll for ready flow runs.</summary>
public sealed class FlowRunPage
{
    /// <summary>Gets an empty page.</summary>
    public static FlowRunPage Empty { get; } = new() { Runs = [] };

    /// <summary>Gets the runs, ordered by their start time.</summary>
    public required IReadOnlyList<FlowRun> Runs { get; init; }

    /// <summary>Gets a value indicating whether the backend may hold more ready runs (a full page, or runs left out by <see cref="FlowRunQuery.MaxRuns"/>).</summary>
    public bool MayHaveMore { get; init; }
}
