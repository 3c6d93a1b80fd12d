namespace Prefect.Agent.Fargate.Prefect;

/// <summary>What happened during one client call (how many attempts the retries made).</summary>
internal sealed class PrefectCallStats
{
    /// <summary>Gets or sets the number of HTTP attempts.</summary>
    public int Attempts { get; set; }
}
