using System.Collections.Concurrent;
using System.Globalization;

namespace Prefect.Agent.Fargate;

/// <summary>
/// Owns the client-side ECS rate limits of the agents that share it, one set of buckets per ECS endpoint and region
/// (AWS's quotas are per account and region). Pass the same instance in <see cref="EcsRateLimitOptions.Limiter"/> to
/// agents that run in one process against one account; <c>AddFargateAgent</c> registers one per DI container and gives it
/// to every agent of the container.
/// </summary>
/// <remarks>
/// The first agent to use an endpoint and region defines its buckets; a later agent with different
/// <see cref="EcsRateLimitOptions"/> (buckets, headroom or share) for the same endpoint and region is refused with an
/// <see cref="InvalidOperationException"/> naming both, rather than silently given the first agent's limits. Give such
/// an agent its own limiter (or none). The buckets live as long as the limiter.
/// </remarks>
public sealed class EcsRateLimiter
{
    private readonly ConcurrentDictionary<(string Endpoint, string Region), Entry> governors = new();

    /// <summary>Gets the governor of an endpoint and region, creating it from the limits on first use.</summary>
    /// <typeparam name="T">The governor type.</typeparam>
    /// <param name="endpoint">The ECS endpoint.</param>
    /// <param name="region">The region's system name.</param>
    /// <param name="limits">The agent's limits.</param>
    /// <param name="create">Creates the governor.</param>
    /// <returns>The shared governor.</returns>
    /// <exception cref="InvalidOperationException">The endpoint and region's governor was created with other limits.</exception>
    internal T GetOrAdd<T>(Uri endpoint, string region, EcsRateLimitOptions limits, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(create);
        var signature = Describe(limits);
        var entry = governors.GetOrAdd((endpoint.AbsoluteUri, region), _ => new Entry(signature, new Lazy<object>(create)));
        if (!string.Equals(entry.Signature, signature, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"EcsRateLimits: this EcsRateLimiter already governs {endpoint.AbsoluteUri} ({region}) with other limits "
                + $"({entry.Signature}) than this agent's ({signature}). Agents that share a limiter must use the same "
                + "EcsRateLimits; give this agent its own EcsRateLimiter, or the same limits.");
        }

        return (T)entry.Governor.Value;
    }

    /// <summary>Describes the limits that define a set of buckets, to compare agents' limits.</summary>
    /// <param name="limits">The limits.</param>
    /// <returns>A stable text.</returns>
    internal static string Describe(EcsRateLimitOptions limits) => string.Create(
        CultureInfo.InvariantCulture,
        $"Headroom={limits.Headroom.TotalMilliseconds}ms, AccountShare={limits.AccountShare}, SlowStart={limits.SlowStart}, ClusterModify={Bucket(limits.ClusterModify)}, "
        + $"TaskDefinitionModify={Bucket(limits.TaskDefinitionModify)}, DescribeAndList={Bucket(limits.DescribeAndList)}, "
        + $"FargateLaunch={Bucket(limits.FargateLaunch)}, FargateRunTask={Bucket(limits.FargateRunTask)}");

    private static string Bucket(TokenBucketOptions? bucket) =>
        bucket is null ? "null" : string.Create(CultureInfo.InvariantCulture, $"{bucket.Burst}@{bucket.RatePerSecond}/s");

    /// <summary>A governor and the limits it was created with.</summary>
    private sealed record Entry(string Signature, Lazy<object> Governor);
}
