using System.Text.Json.Nodes;
using System.Threading.RateLimiting;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>ECS's request quotas as token buckets (server side, so self-replenishing on real time).</summary>
internal sealed class FakeEcsQuotas : IDisposable
{
    private readonly TokenBucketRateLimiter clusterModify;
    private readonly TokenBucketRateLimiter taskDefinitionModify;
    private readonly TokenBucketRateLimiter describeAndList;
    private readonly TokenBucketRateLimiter fargateLaunch;

    public FakeEcsQuotas(EcsRateLimitOptions quotas)
    {
        clusterModify = Bucket(quotas.ClusterModify);
        taskDefinitionModify = Bucket(quotas.TaskDefinitionModify);
        describeAndList = Bucket(quotas.DescribeAndList);
        fargateLaunch = Bucket(quotas.FargateLaunch);
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
        if (bucket is null)
        {
            return true;
        }

        using (var lease = bucket.AttemptAcquire(1))
        {
            if (!lease.IsAcquired)
            {
                return false;
            }
        }

        if (operation == "RunTask" && request is not null
            && (request["launchType"]?.GetValue<string>() == "FARGATE" || request["capacityProviderStrategy"] is JsonArray { Count: > 0 }))
        {
            var count = request["count"] is JsonValue c && c.TryGetValue<int>(out var n) ? Math.Clamp(n, 1, 10) : 1;
            using var launches = fargateLaunch.AttemptAcquire(count);
            return launches.IsAcquired;
        }

        return true;
    }

    public void Dispose()
    {
        clusterModify.Dispose();
        taskDefinitionModify.Dispose();
        describeAndList.Dispose();
        fargateLaunch.Dispose();
    }

    private static TokenBucketRateLimiter Bucket(TokenBucketOptions options)
    {
        // Refill one token per 1/rate seconds, at least every 10 ms (several tokens per period for high rates).
        var period = TimeSpan.FromSeconds(Math.Max(1.0 / options.RatePerSecond, 0.01));
        var perPeriod = Math.Max(1, (int)Math.Round(options.RatePerSecond * period.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Burst),
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = true,
            QueueLimit = 0,
        });
    }
}
