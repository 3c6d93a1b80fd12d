namespace Prefect.Agent.Fargate;

/// <summary>The outcome of marking a run Submitted.</summary>
public readonly record struct FlowRunClaim
{
    private FlowRunClaim(bool claimed, int version)
    {
        IsClaimed = claimed;
        Version = version;
    }

    /// <summary>Gets a value indicating whether this agent now owns the run.</summary>
    public bool IsClaimed { get; }

    /// <summary>Gets the run's version after Submitted (valid when <see cref="IsClaimed"/>).</summary>
    public int Version { get; }

    /// <summary>The run is Submitted by this agent, now at <paramref name="version"/>.</summary>
    /// <param name="version">The run's version after the update.</param>
    /// <returns>The claim.</returns>
    public static FlowRunClaim Claimed(int version) => new(true, version);

    /// <summary>Another agent changed the run first (a version-lock conflict): skip it quietly.</summary>
    /// <returns>The claim.</returns>
    public static FlowRunClaim TakenByAnotherAgent() => new(false, 0);
}
