using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// Client-side rate governance of ECS calls (issue 7.3): one adaptive token bucket per ECS API throttling group, plus
/// the Fargate launch bucket that RunTask on Fargate draws <c>count</c> tokens from, the Fargate RunTask bucket (one
/// token per RunTask call on Fargate), plus one for the tagging API.
/// </summary>
/// <remarks>
/// AWS throttles per account and region. A governor is shared only through an explicit <see cref="EcsRateLimiter"/>
/// (<see cref="Create"/>): agents given the same limiter draw from the same buckets per endpoint and region; an agent
/// without one has its own governor. Every bucket's rate and burst are scaled by <see cref="EcsRateLimitOptions.AccountShare"/>.
/// When ECS throttles a call, every bucket the call drew from slows down (<see cref="OnThrottled"/>): ECS's answer does
/// not say which of its buckets was empty. With <see cref="EcsRateLimitOptions.SlowStart"/>, every bucket starts with an
/// eighth of its capacity and opens by one token per call ECS answers without throttling (<see cref="OnAnswered"/>),
/// until its capacity or the first throttle (see <see cref="AdaptiveTokenBucket"/>).
/// AWS publishes no request quota for the Resource Groups Tagging API; its bucket (burst 10, 5 per second) is a
/// conservative guess that the adaptive slow-down corrects.
/// </remarks>
internal sealed class EcsRateGovernor : IDisposable
{
    /// <summary>The tagging API bucket.</summary>
    public static readonly TokenBucketOptions TaggingDefaults = new() { Burst = 10, RatePerSecond = 5 };

    private readonly AdaptiveTokenBucket[] buckets;

    public EcsRateGovernor(EcsRateLimitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var headroom = options.Headroom;
        var share = options.AccountShare;
        var slowStart = options.SlowStart;
        buckets =
        [
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.ClusterModify), Scale(options.ClusterModify, share), timeProvider, headroom, slowStart),
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.TaskDefinitionModify), Scale(options.TaskDefinitionModify, share), timeProvider, headroom, slowStart),
            new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.DescribeAndList), Scale(options.DescribeAndList, share), timeProvider, headroom, slowStart),
            new AdaptiveTokenBucket("Tagging", Scale(TaggingDefaults, share), timeProvider, headroom, slowStart),
        ];
        FargateLaunch = new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.FargateLaunch), Scale(options.FargateLaunch, share), timeProvider, headroom, slowStart);
        FargateRunTask = new AdaptiveTokenBucket(nameof(EcsRateLimitOptions.FargateRunTask), Scale(options.FargateRunTask, share), timeProvider, headroom, slowStart);
    }

    /// <summary>Gets the Fargate task-launch bucket (tokens are tasks).</summary>
    public AdaptiveTokenBucket FargateLaunch { get; }

    /// <summary>Gets the Fargate RunTask bucket (tokens are RunTask calls on Fargate).</summary>
    public AdaptiveTokenBucket FargateRunTask { get; }

    /// <summary>
    /// Gets the governor of an agent: the limiter's for the endpoint and region when the options name one, else a
    /// governor of its own; <see langword="null"/> when rate limiting is off.
    /// </summary>
    /// <param name="endpoint">The ECS endpoint.</param>
    /// <param name="region">The region's system name.</param>
    /// <param name="options">The limits.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The governor.</returns>
    /// <exception cref="InvalidOperationException">The limiter governs the endpoint and region with other limits.</exception>
    public static EcsRateGovernor? Create(Uri endpoint, string region, EcsRateLimitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        return options.Limiter is { } limiter
            ? limiter.GetOrAdd(endpoint, region, options, () => new EcsRateGovernor(options, timeProvider))
            : new EcsRateGovernor(options, timeProvider);
    }

    /// <summary>Scales a bucket by the account share: rate times share, burst times share rounded down, at least 1.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="share">The share, in (0, 1].</param>
    /// <returns>The scaled bucket.</returns>
    public static TokenBucketOptions Scale(TokenBucketOptions bucket, double share)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        return share >= 1
            ? bucket
            : new TokenBucketOptions { Burst = Math.Max(1, (int)Math.Floor((bucket.Burst * share) + 1e-9)), RatePerSecond = bucket.RatePerSecond * share };
    }

    /// <summary>Tells whether a RunTask request runs on Fargate: launch type FARGATE, or a capacity provider strategy naming FARGATE or FARGATE_SPOT.</summary>
    /// <param name="request">The RunTask request.</param>
    /// <returns>Whether AWS Fargate's RunTask quotas apply.</returns>
    public static bool IsFargate(JsonObject? request)
    {
        if (request is null)
        {
            return false;
        }

        if (request["launchType"] is JsonValue lt && lt.TryGetValue<string>(out var launchType))
        {
            return string.Equals(launchType, "FARGATE", StringComparison.Ordinal);
        }

        if (request["capacityProviderStrategy"] is JsonArray strategy)
        {
            foreach (var item in strategy)
            {
                if (item is JsonObject provider && provider["capacityProvider"] is JsonValue cp && cp.TryGetValue<string>(out var name)
                    && (string.Equals(name, "FARGATE", StringComparison.Ordinal) || string.Equals(name, "FARGATE_SPOT", StringComparison.Ordinal)))
                {
                    return true;
                }
            }
        }

        return false;
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
        if (request is null || !IsFargate(request))
        {
            return 0;
        }

        return request["count"] is JsonValue c && c.TryGetValue<int>(out var count) && count > 0 ? count : 1;
    }

    /// <summary>Gets a bucket of an ECS API group.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The bucket.</returns>
    public AdaptiveTokenBucket GetBucket(EcsApiGroup group) => buckets[(int)group];

    /// <summary>Waits until the operation may be sent (one token of its group; RunTask on Fargate also a Fargate RunTask token and launch tokens).</summary>
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
                await FargateRunTask.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                await FargateLaunch.AcquireAsync(launches, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until an operation's group has a token, without taking it: a look made now is fresh when the call goes out.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the operation's bucket has a token.</returns>
    public ValueTask WaitForTokenAsync(string operation, CancellationToken cancellationToken) =>
        GetBucket(GroupOf(operation)).WaitForTokenAsync(cancellationToken);

    /// <summary>
    /// Slows down every bucket the throttled call drew from (its group's; for RunTask on Fargate also the Fargate
    /// RunTask and launch buckets), since ECS's answer does not say which of its buckets was empty.
    /// </summary>
    /// <param name="operation">The throttled operation.</param>
    /// <param name="request">The request body.</param>
    /// <param name="sentAt">When the call took its tokens (<see langword="null"/>: now); see <see cref="AdaptiveTokenBucket.OnThrottled"/>.</param>
    /// <returns>Whether a rate was lowered now.</returns>
    public bool OnThrottled(string operation, JsonObject? request = null, DateTimeOffset? sentAt = null)
    {
        var lowered = GetBucket(GroupOf(operation)).OnThrottled(sentAt);
        if (operation == "RunTask" && IsFargate(request))
        {
            lowered |= FargateRunTask.OnThrottled(sentAt);
            lowered |= FargateLaunch.OnThrottled(sentAt);
        }

        return lowered;
    }

    /// <summary>
    /// Tells every bucket the call drew from that ECS answered it without throttling (the slow start's signal to open
    /// the window; a no-op for buckets past their slow start).
    /// </summary>
    /// <param name="operation">The answered operation.</param>
    /// <param name="request">The request body.</param>
    public void OnAnswered(string operation, JsonObject? request = null)
    {
        GetBucket(GroupOf(operation)).OnAnswered(1);
        if (operation == "RunTask")
        {
            var launches = FargateLaunches(request);
            if (launches > 0)
            {
                FargateRunTask.OnAnswered(1);
                FargateLaunch.OnAnswered(launches);
            }
        }
    }

    public void Dispose()
    {
        foreach (var bucket in buckets)
        {
            bucket.Dispose();
        }

        FargateLaunch.Dispose();
        FargateRunTask.Dispose();
    }
}
