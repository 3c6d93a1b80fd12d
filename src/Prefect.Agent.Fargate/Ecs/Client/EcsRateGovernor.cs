using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// Client-side rate governance of ECS calls (issue 7.3): one adaptive token bucket per ECS API throttling group, plus
/// the Fargate launch bucket that RunTask draws <c>count</c> tokens from, plus one for the tagging API.
/// </summary>
/// <remarks>
/// AWS throttles per account and region, so one governor is shared by every client of the process that talks to the
/// same endpoint and region (<see cref="GetShared"/>): several agents in one host draw from the same buckets. The
/// first agent's <see cref="EcsRateLimitOptions"/> for an endpoint and region define its buckets.
/// AWS publishes no request quota for the Resource Groups Tagging API; its bucket (burst 10, 5 per second) is a
/// conservative guess that the adaptive slow-down corrects.
/// </remarks>
internal sealed class EcsRateGovernor : IDisposable
{
    /// <summary>The tagging API bucket.</summary>
    public static readonly TokenBucketOptions TaggingDefaults = new() { Burst = 10, RatePerSecond = 5 };

    private static readonly ConcurrentDictionary<(string Endpoint, string Region, TimeProvider Clock), EcsRateGovernor> Shared = new();

    private readonly AdaptiveTokenBucket[] buckets;

    public EcsRateGovernor(EcsRateLimitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var headroom = options.Headroom;
        buckets =
        [
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.ClusterModify), options.ClusterModify, timeProvider, headroom),
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.TaskDefinitionModify), options.TaskDefinitionModify, timeProvider, headroom),
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.DescribeAndList), options.DescribeAndList, timeProvider, headroom),
            new AdaptiveTokenBucket("Tagging", TaggingDefaults, timeProvider, headroom),
        ];
        FargateLaunch = new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.FargateLaunch), options.FargateLaunch, timeProvider, headroom);
    }

    /// <summary>Gets the Fargate task-launch bucket (tokens are tasks).</summary>
    public AdaptiveTokenBucket FargateLaunch { get; }

    /// <summary>Gets the process-wide governor of an endpoint and region, or <see langword="null"/> when rate limiting is off.</summary>
    /// <param name="endpoint">The ECS endpoint.</param>
    /// <param name="region">The region's system name.</param>
    /// <param name="options">The limits (used when the governor is created).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The shared governor.</returns>
    public static EcsRateGovernor? GetShared(Uri endpoint, string region, EcsRateLimitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        return options.Enabled
            ? Shared.GetOrAdd((endpoint.AbsoluteUri, region, timeProvider), _ => new EcsRateGovernor(options, timeProvider))
            : null;
    }

    /// <summary>Maps an operation to its throttling group.</summary>
    /// <param name="operation">The operation name, e.g. <c>RunTask</c>.</param>
    /// <returns>The group.</returns>
    public static EcsApiGroup GroupOf(string operation) => operation switch
    {
        "GetResources" => EcsApiGroup.Tagging,
        "RegisterTaskDefinition" or "DeregisterTaskDefinition" or "DeleteTaskDefinitions" => EcsApiGroup.TaskDefinitionModify,
        _ when operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal) => EcsApiGroup.DescribeAndList,
        _ => EcsApiGroup.ClusterModify,
    };

    /// <summary>Gets the tasks a RunTask request launches on Fargate (0 for EC2/EXTERNAL launch types).</summary>
    /// <param name="request">The RunTask request.</param>
    /// <returns>The Fargate launch tokens to take.</returns>
    public static int FargateLaunches(JsonObject? request)
    {
        if (request is null)
        {
            return 0;
        }

        var launchType = request["launchType"] is JsonValue lt && lt.TryGetValue<string>(out var s) ? s : null;
        var capacityProviders = request["capacityProviderStrategy"] is JsonArray { Count: > 0 };
        if (!string.Equals(launchType, "FARGATE", StringComparison.Ordinal) && !capacityProviders)
        {
            return 0;
        }

        return request["count"] is JsonValue c && c.TryGetValue<int>(out var count) && count > 0 ? count : 1;
    }

    public AdaptiveTokenBucket GetBucket(EcsApiGroup group) => buckets[(int)group];

    /// <summary>Waits until the operation may be sent (one token of its group; RunTask on Fargate also launch tokens).</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="request">The request body.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the call may go.</returns>
    public async ValueTask AcquireAsync(string operation, JsonObject? request, CancellationToken cancellationToken)
    {
        await GetBucket(GroupOf(operation)).AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (operation == "RunTask")
        {
            var launches = FargateLaunches(request);
            if (launches > 0)
            {
                await FargateLaunch.AcquireAsync(launches, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Slows the operation's group down after AWS throttled it.</summary>
    /// <param name="operation">The throttled operation.</param>
    /// <returns>Whether the rate was lowered now.</returns>
    public bool OnThrottled(string operation) => GetBucket(GroupOf(operation)).OnThrottled();

    public void Dispose()
    {
        foreach (var bucket in buckets)
        {
            bucket.Dispose();
        }

        FargateLaunch.Dispose();
    }
}
