using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

/// <summary>
/// The throttling race over HTTP, against the fake's quotas (burst 4, 2 per second) with the client's governor at the
/// same quotas: the burst's requests are slowed by 250 ms on their way to ECS's throttling check, so ECS's bucket
/// starts refilling 250 ms after the client's and the first request after the burst arrives before ECS's token.
/// </summary>
public sealed class EcsHeadroomAgainstFakeEcsTests
{
    private const int Burst = 4;
    private static readonly TimeSpan SlowTransit = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task RegisterTaskDefinition_BurstThenRefill_WithTheHeadroom_IsNeverThrottled()
    {
        var (throttled, registered) = await RunAsync(TimeSpan.FromSeconds(1), calls: 6);

        Assert.Equal(0, throttled);
        Assert.Equal(6, registered);
    }

    // The same scenario without the headroom (the client as it was before it): ECS throttles the call after the burst.
    [Fact]
    public async Task RegisterTaskDefinition_BurstThenRefill_WithoutHeadroom_IsThrottledByEcs()
    {
        var (throttled, registered) = await RunAsync(TimeSpan.Zero, calls: 5);

        Assert.True(throttled > 0, "ECS's bucket starts refilling later than the client's: the fifth call arrives too early.");
        Assert.Equal(5, registered);
    }

    private static async Task<(int Throttled, int Registered)> RunAsync(TimeSpan headroom, int calls)
    {
        // Full buckets from the start (no slow start): the race is the burst's.
        var quotas = new EcsRateLimitOptions
        {
            Headroom = headroom,
            SlowStart = false,
            TaskDefinitionModify = new TokenBucketOptions { Burst = Burst, RatePerSecond = 2 },
        };
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { EnforceQuotas = true, Quotas = quotas });
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.SlowResponse(SlowTransit), times: Burst);
        using var governor = new EcsRateGovernor(quotas, TimeProvider.System);
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 5 }, governor);

        await Task.WhenAll(Enumerable.Range(0, calls).Select(i =>
            client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow-" + i), CancellationToken.None)));

        return (ecs.ThrottledCount, ecs.TaskDefinitions.Count);
    }
}
