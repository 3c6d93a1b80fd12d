using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

public sealed class AdaptiveTokenBucketHeadroomTests
{
    private static readonly JsonObject FargateRunTask = new() { ["launchType"] = "FARGATE", ["count"] = 1 };

    private static AdaptiveTokenBucket Bucket(FakeTimeProvider time, int burst, double rate, TimeSpan headroom) =>
        new("Test", new TokenBucketOptions { Burst = burst, RatePerSecond = rate }, time, headroom);

    [Theory]
    [InlineData(100, 40, 4)]
    [InlineData(100, 20, 2)]
    [InlineData(100, 1, 1)]
    [InlineData(100, 5, 1)]
    [InlineData(250, 40, 10)]
    [InlineData(1, 0.5, 1)]
    [InlineData(0, 40, 0)]
    public void HeadroomTokensFor_Margin_IsTheTokensRefilledInItAtLeastOne(int milliseconds, double rate, int expected) =>
        Assert.Equal(expected, AdaptiveTokenBucket.HeadroomTokensFor(TimeSpan.FromMilliseconds(milliseconds), rate));

    [Fact]
    public void Governor_DefaultOptions_HoldsBackAHundredMillisecondsOfEachBucket()
    {
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), new FakeTimeProvider());

        Assert.Equal(96, governor.GetBucket(EcsApiGroup.ClusterModify).Capacity);
        Assert.Equal(19, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).Capacity);
        Assert.Equal(48, governor.GetBucket(EcsApiGroup.DescribeAndList).Capacity);
        Assert.Equal(98, governor.FargateLaunch.Capacity);
        Assert.Equal(9, governor.GetBucket(EcsApiGroup.Tagging).Capacity);
        Assert.Equal(100, governor.FargateLaunch.Burst);
    }

    [Fact]
    public void Governor_ZeroHeadroom_UsesTheWholeBurst()
    {
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions { Headroom = TimeSpan.Zero, SlowStart = false }, new FakeTimeProvider());

        Assert.Equal(100, governor.GetBucket(EcsApiGroup.ClusterModify).Capacity);
        Assert.Equal(20, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).Capacity);
        Assert.Equal(100, governor.FargateLaunch.AvailableTokens);
    }

    [Fact]
    public void TryAcquire_FirstBurst_IsTheBurstLessTheHeadroom()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 1, TimeSpan.FromMilliseconds(100));

        Assert.All(Enumerable.Range(0, 19), _ => Assert.True(bucket.TryAcquire(1)));
        Assert.False(bucket.TryAcquire(1));
    }

    [Fact]
    public void Refill_AfterTheBurst_GivesTheNextTokenOneIntervalAfterTheFirstTake()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10, TimeSpan.FromMilliseconds(200));
        Assert.True(bucket.TryAcquire(8));

        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(bucket.TryAcquire(1));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryAcquire(1));
        Assert.False(bucket.TryAcquire(1));
    }

    [Fact]
    public void Refill_AfterAQuietPeriod_StopsAtTheCapacityNotTheBurst()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10, TimeSpan.FromMilliseconds(300));
        Assert.True(bucket.TryAcquire(7));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(7, bucket.AvailableTokens);
        Assert.True(bucket.TryAcquire(7));
        Assert.False(bucket.TryAcquire(1));
    }

    [Fact]
    public void Capacity_HeadroomAsLargeAsTheBurst_LeavesOneToken()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 2, rate: 10, TimeSpan.FromSeconds(1));

        Assert.Equal(10, bucket.HeadroomTokens);
        Assert.Equal(1, bucket.Capacity);
        Assert.True(bucket.TryAcquire(1));
        Assert.False(bucket.TryAcquire(1));
    }

    [Fact]
    public async Task AcquireAsync_MoreThanTheCapacity_TakesTheCapacityInsteadOfWaitingForever()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10, TimeSpan.FromMilliseconds(500));

        await bucket.AcquireAsync(10, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, bucket.AvailableTokens);
    }

    [Fact]
    public void OnThrottled_WithHeadroom_StillHalvesTheRateAndRecovers()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10, TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.TryAcquire(9));

        Assert.True(bucket.OnThrottled());
        time.Advance(TimeSpan.FromSeconds(0.4));

        // Half the rate, and a throttled bucket holds at most a quarter second of it (1.25 tokens).
        Assert.Equal(1, bucket.AvailableTokens);
        Assert.Equal(5, bucket.EffectiveRatePerSecond);

        EcsRateGovernorPacingTests.KeepBusy(time, bucket, 30);
        Assert.Equal(10, bucket.EffectiveRatePerSecond);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(9, bucket.AvailableTokens);
    }

    [Fact]
    public void Constructor_NegativeHeadroom_NamesTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Bucket(new FakeTimeProvider(), 10, 10, TimeSpan.FromMilliseconds(-1)));

        Assert.Contains("EcsRateLimits.Headroom", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:00.0010000", "-00:00:00.0010000")]
    [InlineData("100.00:00:00", "100.00:00:00")]
    public void AgentOptions_HeadroomOutOfRange_IsAValidationFailureNamingTheOptionAndTheFix(string value, string shown)
    {
        var harness = new AgentHarness();

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(o => o.EcsRateLimits.Headroom = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("EcsRateLimits.Headroom must be between zero and 10 seconds", failure, StringComparison.Ordinal);
        Assert.Contains(shown, failure, StringComparison.Ordinal);
        Assert.Contains("00:00:00.1", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentOptions_Headroom_IsKeptInTheResolvedOptions_AndNotValidatedWhenLimitsAreOff()
    {
        var harness = new AgentHarness();

        var agent = harness.Create(o => o.EcsRateLimits.Headroom = TimeSpan.FromMilliseconds(250));
        var off = harness.Create(o => o.EcsRateLimits = new EcsRateLimitOptions { Enabled = false, Headroom = TimeSpan.FromDays(1) });

        Assert.Equal(TimeSpan.FromMilliseconds(250), agent.ResolvedOptions.EcsRateLimits.Headroom);
        Assert.False(off.ResolvedOptions.EcsRateLimits.Enabled);
    }

    // The race, replayed on a fake clock against the fake's own quota buckets: the client sends RunTasks as fast as its
    // buckets allow; the requests of the first burst take 20 ms to reach ECS's throttling check (cold connections,
    // queueing behind each other), the later ones 5 ms, so ECS's buckets start refilling 20 ms after the client's.
    [Theory]
    [InlineData(0, true)]
    [InlineData(100, false)]
    public void Replay_FirstRequestSlowerThanTheRest_ThrottledOnlyWithoutHeadroom(int headroomMs, bool throttled)
    {
        var refused = Replay(TimeSpan.FromMilliseconds(headroomMs), runs: 300, transit: n => n < 100 ? 20 : 5);

        Assert.Equal(throttled, refused > 0);
    }

    [Fact]
    public void Replay_TransitVaryingUpToTheHeadroom_IsNeverThrottled()
    {
        var random = new Random(7);
        var transits = Enumerable.Range(0, 600).Select(_ => 1 + (random.NextDouble() * 95)).ToArray();

        Assert.Equal(0, Replay(TimeSpan.FromMilliseconds(100), runs: 600, transit: n => transits[n]));
    }

    /// <summary>Returns how many of <paramref name="runs"/> Fargate RunTasks ECS's buckets (the fake's) refuse.</summary>
    private static int Replay(TimeSpan headroom, int runs, Func<int, double> transit)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clientClock = new FakeTimeProvider(start);
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions { Headroom = headroom, SlowStart = false }, clientClock);
        var step = TimeSpan.FromMilliseconds(0.1);
        var arrivals = new List<DateTimeOffset>(runs);
        for (var n = 0; n < runs; n++)
        {
            while (!governor.GetBucket(EcsApiGroup.ClusterModify).TryAcquire(1))
            {
                clientClock.Advance(step);
            }

            while (!governor.FargateRunTask.TryAcquire(1))
            {
                clientClock.Advance(step);
            }

            while (!governor.FargateLaunch.TryAcquire(1))
            {
                clientClock.Advance(step);
            }

            arrivals.Add(clientClock.GetUtcNow() + TimeSpan.FromMilliseconds(transit(n)));
        }

        var ecsClock = new FakeTimeProvider(start);
        var quotas = new FakeEcsQuotas(new EcsRateLimitOptions(), ecsClock);
        var refused = 0;
        foreach (var arrival in arrivals.Order())
        {
            ecsClock.Advance(arrival - ecsClock.GetUtcNow());
            refused += quotas.TryAcquire("RunTask", FargateRunTask) ? 0 : 1;
        }

        return refused;
    }
}
