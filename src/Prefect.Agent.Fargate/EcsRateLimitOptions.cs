namespace Prefect.Agent.Fargate;

/// <summary>
/// Client-side token buckets per ECS API group, shared by the whole process. Defaults are AWS's published
/// defaults for ECS API request throttling; accounts with raised quotas raise them here.
/// </summary>
public sealed class EcsRateLimitOptions
{
    /// <summary>Gets or sets whether client-side rate limiting is on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets RunTask and the other cluster-modify actions' bucket.</summary>
    /// <value>The default value is a burst of 100 and 40 per second.</value>
    public TokenBucketOptions ClusterModify { get; set; } = new() { Burst = 100, RatePerSecond = 40 };

    /// <summary>Gets or sets RegisterTaskDefinition and DeregisterTaskDefinition's bucket.</summary>
    /// <value>The default value is a burst of 20 and 1 per second.</value>
    public TokenBucketOptions TaskDefinitionModify { get; set; } = new() { Burst = 20, RatePerSecond = 1 };

    /// <summary>Gets or sets the Describe and List actions' bucket.</summary>
    /// <value>The default value is a burst of 50 and 20 per second.</value>
    public TokenBucketOptions DescribeAndList { get; set; } = new() { Burst = 50, RatePerSecond = 20 };

    /// <summary>Gets or sets the Fargate task launch rate (tasks started per second).</summary>
    /// <value>The default value is a burst of 100 and 20 per second.</value>
    public TokenBucketOptions FargateLaunch { get; set; } = new() { Burst = 100, RatePerSecond = 20 };
}
