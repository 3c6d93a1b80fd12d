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

    /// <summary>
    /// Gets or sets how far the client's buckets run behind ECS's, as a margin against requests whose transit times
    /// to ECS differ (the first request of a burst opening a connection, later ones on warm pooled connections, network
    /// jitter). Each bucket holds back <c>ceil(Headroom x RatePerSecond)</c> tokens of its burst, at least one (the
    /// defaults: 4 of RunTask's 100, 2 of the 100 Fargate launches, 1 of RegisterTaskDefinition's 20), never leaving
    /// less than one. Without it, a request that overtakes the first of a burst is throttled by ECS. It costs
    /// <see cref="Headroom"/> once per drained burst, not a share of the throughput. <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan Headroom { get; set; } = TimeSpan.FromMilliseconds(100);

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
