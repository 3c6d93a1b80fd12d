namespace Prefect.Agent.Fargate;

/// <summary>A token bucket: <see cref="Burst"/> tokens at most, refilled at <see cref="RatePerSecond"/>.</summary>
public sealed class TokenBucketOptions
{
    /// <summary>Gets or sets the bucket size (calls allowed at once after a quiet period).</summary>
    /// <value>The default value is 1.</value>
    public int Burst { get; set; } = 1;

    /// <summary>Gets or sets the sustained rate, in calls per second.</summary>
    /// <value>The default value is 1.</value>
    public double RatePerSecond { get; set; } = 1;
}
