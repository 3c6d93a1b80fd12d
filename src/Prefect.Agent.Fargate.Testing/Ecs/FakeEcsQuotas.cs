using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// ECS's request quotas as token buckets, refilled continuously as ECS's are: AWS's default API buckets, the Fargate
/// task-launch bucket and the Fargate RunTask bucket (20 calls per second, burst 20, "AWS Fargate throttling quotas").
/// One set per <see cref="FakeEcs"/>: several agent processes pointed at one fake share them, like one account.
/// </summary>
internal sealed class FakeEcsQuotas
{
    private readonly Bucket clusterModify;
    private readonly Bucket taskDefinitionModify;
    private readonly Bucket describeAndList;
    private readonly Bucket fargateLaunch;
    private readonly Bucket fargateRunTask;

    public FakeEcsQuotas(EcsRateLimitOptions quotas, TimeProvider timeProvider)
    {
        clusterModify = new Bucket(quotas.ClusterModify, timeProvider);
        taskDefinitionModify = new Bucket(quotas.TaskDefinitionModify, timeProvider);
        describeAndList = new Bucket(quotas.DescribeAndList, timeProvider);
        fargateLaunch = new Bucket(quotas.FargateLaunch, timeProvider);
        fargateRunTask = new Bucket(quotas.FargateRunTask, timeProvider);
    }

    /// <summary>Takes the tokens of a call now; <see langword="false"/> means ECS would throttle it.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="request">The parsed body (RunTask's launch type and count), if any.</param>
    /// <returns>Whether the call is within the quotas.</returns>
    public bool TryAcquire(string operation, JsonObject? request)
    {
        var bucket = operation switch
        {
            "GetResources" => null,
            "RegisterTaskDefinition" or "DeregisterTaskDefinition" => taskDefinitionModify,
            _ when operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal) => describeAndList,
            _ => clusterModify,
        };
        if (bucket is null || !bucket.TryTake(1))
        {
            return bucket is null;
        }

        if (operation == "RunTask" && IsFargate(request))
        {
            var count = request!["count"] is JsonValue c && c.TryGetValue<int>(out var n) ? Math.Clamp(n, 1, 10) : 1;
            return fargateRunTask.TryTake(1) && fargateLaunch.TryTake(count);
        }

        return true;
    }

    /// <summary>Whether a RunTask request runs on Fargate: launch type FARGATE, or a capacity provider strategy naming FARGATE or FARGATE_SPOT.</summary>
    private static bool IsFargate(JsonObject? request)
    {
        if (request is null)
        {
            return false;
        }

        if (request["launchType"] is JsonValue launchType && launchType.TryGetValue<string>(out var type))
        {
            return type == "FARGATE";
        }

        return request["capacityProviderStrategy"] is JsonArray strategy
            && strategy.Any(p => p?["capacityProvider"] is JsonValue v && v.TryGetValue<string>(out var name) && name is "FARGATE" or "FARGATE_SPOT");
    }

    /// <summary>
    /// A token bucket refilled from the elapsed time at each call. Hand-written rather than
    /// <c>TokenBucketRateLimiter</c>, whose auto-replenishment runs on a timer: under load the timer fires late and
    /// the fake throttled calls that ECS, whose buckets refill continuously, would have let through.
    /// </summary>
    private sealed class Bucket(TokenBucketOptions options, TimeProvider timeProvider)
    {
        private readonly object sync = new();
        private readonly int burst = Math.Max(1, options.Burst);
        private double tokens = Math.Max(1, options.Burst);
        private long last = timeProvider.GetTimestamp();

        public bool TryTake(int count)
        {
            lock (sync)
            {
                var now = timeProvider.GetTimestamp();
                tokens = Math.Min(burst, tokens + (timeProvider.GetElapsedTime(last, now).TotalSeconds * options.RatePerSecond));
                last = now;
                if (tokens < count)
                {
                    return false;
                }

                tokens -= count;
                return true;
            }
        }
    }
}
