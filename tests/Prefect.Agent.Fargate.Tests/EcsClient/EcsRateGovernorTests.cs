using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs.Client;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

public sealed class EcsRateGovernorTests
{
    private static AdaptiveTokenBucket Bucket(FakeTimeProvider time, int burst, double rate) =>
        new("Test", new TokenBucketOptions { Burst = burst, RatePerSecond = rate }, time);

    [Fact]
    public void TryAcquire_BeyondBurst_IsRefusedUntilRefilled()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 5, rate: 1);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(bucket.TryAcquire(1)));
        Assert.False(bucket.TryAcquire(1));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryAcquire(1));
        Assert.False(bucket.TryAcquire(1));
    }

    [Fact]
    public async Task AcquireAsync_EmptyBucket_WaitsForTheTimeProvidersRefill()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 2, rate: 2);
        await bucket.AcquireAsync(2, CancellationToken.None);

        var waiting = bucket.AcquireAsync(1, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(500));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndDoesNotTakeTokens()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 1, rate: 1);
        Assert.True(bucket.TryAcquire(1));
        using var cts = new CancellationTokenSource();

        var waiting = bucket.AcquireAsync(1, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void OnThrottled_HalvesOncePerWindow_ACallSentAfterTheDecreaseHalvesAgain_DownToTheFloor()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10);
        var sent = time.GetUtcNow();
        time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.True(bucket.OnThrottled(sent));
        Assert.Equal(5, bucket.EffectiveRatePerSecond);

        // Sent before the decrease (paced by the old rate): no news.
        Assert.False(bucket.OnThrottled(sent));
        Assert.False(bucket.OnThrottled());
        Assert.Equal(5, bucket.EffectiveRatePerSecond);

        // Sent after it, at the lowered rate, and throttled still: lowered again at once, not a second later.
        time.Advance(TimeSpan.FromMilliseconds(10));
        var sentAfter = time.GetUtcNow();
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.True(bucket.OnThrottled(sentAfter));
        Assert.Equal(2.5, bucket.EffectiveRatePerSecond);

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            bucket.OnThrottled();
        }

        Assert.Equal(10 * AdaptiveTokenBucket.FloorFraction, bucket.EffectiveRatePerSecond, precision: 6);
    }

    [Fact]
    public void OnThrottled_AgainWithinASecond_KeepsTheFirstDecreasesPlateau()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20);
        Assert.True(bucket.OnThrottled());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.OnThrottled());

        // The second decrease answered the same empty bucket: the plateau stays where it first ran out.
        Assert.Equal(5, bucket.EffectiveRatePerSecond);
        Assert.Equal(20, bucket.LastThrottledRatePerSecond);

        // A second later it is a new episode: its rate is the new plateau.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.OnThrottled());
        Assert.Equal(5, bucket.LastThrottledRatePerSecond);
    }

    [Fact]
    public void EffectiveRate_AfterThrottling_RecoversATenthPerCleanSecondUpToTheConfiguredRate()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10);
        bucket.OnThrottled();

        // Kept in use (a bucket that sits full does not recover).
        EcsRateGovernorPacingTests.KeepBusy(time, bucket, 1);
        Assert.InRange(bucket.EffectiveRatePerSecond, 5, 5.2);

        EcsRateGovernorPacingTests.KeepBusy(time, bucket, 2);
        Assert.InRange(bucket.EffectiveRatePerSecond, 6.8, 7.2);

        // From 8/s (80 % of the throttled rate) slowly: a hundredth of 10/s per second, 20 s up to 10/s.
        EcsRateGovernorPacingTests.KeepBusy(time, bucket, 21);
        Assert.Equal(10, bucket.EffectiveRatePerSecond, 6);
    }

    [Fact]
    public void Refill_AfterThrottling_FollowsTheReducedRate_UpToAQuarterSecondOfIt()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 10, rate: 10);
        Assert.True(bucket.TryAcquire(10));
        bucket.OnThrottled();

        // 5/s: a token every 0.2 s.
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, bucket.AvailableTokens);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, bucket.AvailableTokens);

        // A quiet second refills a quarter second of the rate (1.25 tokens), not half the burst.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1.25, bucket.Ceiling, 6);
        Assert.Equal(1, bucket.AvailableTokens);
    }

    [Theory]
    [InlineData("RunTask", "ClusterModify")]
    [InlineData("StopTask", "ClusterModify")]
    [InlineData("RegisterTaskDefinition", "TaskDefinitionModify")]
    [InlineData("DeregisterTaskDefinition", "TaskDefinitionModify")]
    [InlineData("DescribeTaskDefinition", "DescribeAndList")]
    [InlineData("ListTaskDefinitions", "DescribeAndList")]
    [InlineData("DescribeTasks", "DescribeAndList")]
    [InlineData("GetResources", "Tagging")]
    public void GroupOf_Operation_IsItsEcsThrottlingGroup(string operation, string group) =>
        Assert.Equal(Enum.Parse<EcsApiGroup>(group), EcsRateGovernor.GroupOf(operation));

    [Fact]
    public void FargateLaunches_CountsTasksOnlyForFargateOrCapacityProviders()
    {
        Assert.Equal(3, EcsRateGovernor.FargateLaunches(new JsonObject { ["launchType"] = "FARGATE", ["count"] = 3 }));
        Assert.Equal(1, EcsRateGovernor.FargateLaunches(new JsonObject { ["launchType"] = "FARGATE" }));
        Assert.Equal(0, EcsRateGovernor.FargateLaunches(new JsonObject { ["launchType"] = "EC2", ["count"] = 3 }));
        Assert.Equal(2, EcsRateGovernor.FargateLaunches(new JsonObject
        {
            ["count"] = 2,
            ["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE_SPOT" }),
        }));
    }

    [Fact]
    public async Task AcquireAsync_FargateRunTask_TakesOneClusterTokenAndCountLaunchTokens()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions { Headroom = TimeSpan.Zero, SlowStart = false }, time);

        await governor.AcquireAsync("RunTask", new JsonObject { ["launchType"] = "FARGATE", ["count"] = 4 }, CancellationToken.None);
        await governor.AcquireAsync("DescribeTaskDefinition", [], CancellationToken.None);

        Assert.Equal(99, governor.GetBucket(EcsApiGroup.ClusterModify).AvailableTokens);
        Assert.Equal(96, governor.FargateLaunch.AvailableTokens);
        Assert.Equal(49, governor.GetBucket(EcsApiGroup.DescribeAndList).AvailableTokens);
        Assert.Equal(20, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).AvailableTokens);
    }

    [Fact]
    public void Create_SameLimiter_SharesPerEndpointAndRegion_WithoutLimiter_OwnGovernor_AndNoneWhenDisabled()
    {
        var time = new FakeTimeProvider();
        var endpoint = new Uri("https://ecs.eu-west-3.amazonaws.com/");
        var limiter = new EcsRateLimiter();

        var first = EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter }, time);
        var second = EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter }, time);
        var other = EcsRateGovernor.Create(endpoint, "eu-west-2", new EcsRateLimitOptions { Limiter = limiter }, time);
        var otherLimiter = EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = new EcsRateLimiter() }, time);
        var own = EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions(), time);

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.NotSame(first, otherLimiter);
        Assert.NotSame(first, own);
        Assert.Null(EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Enabled = false, Limiter = limiter }, time));
    }

    [Fact]
    public void Create_SameLimiterWithOtherLimits_IsAClearError()
    {
        var time = new FakeTimeProvider();
        var endpoint = new Uri("https://ecs.eu-west-3.amazonaws.com/");
        var limiter = new EcsRateLimiter();
        EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter }, time);

        var ex = Assert.Throws<InvalidOperationException>(() =>
            EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter, AccountShare = 0.5 }, time));

        Assert.Contains("AccountShare=0.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("own EcsRateLimiter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsFargate_LaunchTypeOrAFargateCapacityProvider_NotAnyStrategy()
    {
        Assert.True(EcsRateGovernor.IsFargate(new JsonObject { ["launchType"] = "FARGATE" }));
        Assert.False(EcsRateGovernor.IsFargate(new JsonObject { ["launchType"] = "EC2" }));
        Assert.True(EcsRateGovernor.IsFargate(new JsonObject
        {
            ["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "my-asg" }, new JsonObject { ["capacityProvider"] = "FARGATE" }),
        }));
        Assert.False(EcsRateGovernor.IsFargate(new JsonObject
        {
            ["count"] = 2,
            ["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "my-ec2-asg" }),
        }));
        Assert.Equal(0, EcsRateGovernor.FargateLaunches(new JsonObject
        {
            ["count"] = 2,
            ["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "my-ec2-asg" }),
        }));
        Assert.False(EcsRateGovernor.IsFargate(null));
    }

    [Fact]
    public async Task AcquireAsync_FargateRunTask_DefaultsLimitTo20CallsPerSecond()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions { Headroom = TimeSpan.Zero, SlowStart = false }, time);
        var fargate = new JsonObject { ["launchType"] = "FARGATE" };
        for (var i = 0; i < 20; i++)
        {
            await governor.AcquireAsync("RunTask", fargate, CancellationToken.None);
        }

        var twentyFirst = governor.AcquireAsync("RunTask", fargate, CancellationToken.None).AsTask();
        Assert.False(twentyFirst.IsCompleted);
        // 20 calls plus the waiting one's token.
        Assert.Equal(79, governor.GetBucket(EcsApiGroup.ClusterModify).AvailableTokens);

        // EC2 RunTask calls do not draw from Fargate's bucket.
        await governor.AcquireAsync("RunTask", new JsonObject { ["launchType"] = "EC2" }, CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(50));
        await twentyFirst.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void OnThrottled_FargateRunTask_SlowsItsBuckets_AndRecoversSlowly()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), time);

        Assert.True(governor.OnThrottled("RunTask", new JsonObject { ["launchType"] = "FARGATE" }));

        Assert.Equal(10, governor.FargateRunTask.EffectiveRatePerSecond, 3);
        Assert.Equal(10, governor.FargateLaunch.EffectiveRatePerSecond, 3);
        Assert.Equal(20, governor.GetBucket(EcsApiGroup.ClusterModify).EffectiveRatePerSecond, 3);
        Assert.Equal(1, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).EffectiveRatePerSecond, 3);

        // Additive increase while in use: a tenth of the configured rate per second without throttling, after a
        // second's pause, up to 80 % of the rate ECS throttled (16/s), then a hundredth (20 s more to 20/s).
        EcsRateGovernorPacingTests.KeepBusy(time, governor.FargateRunTask, 3);
        Assert.Equal(14, governor.FargateRunTask.EffectiveRatePerSecond, 3);
        EcsRateGovernorPacingTests.KeepBusy(time, governor.FargateRunTask, 6);
        Assert.Equal(17, governor.FargateRunTask.EffectiveRatePerSecond, 3);
        EcsRateGovernorPacingTests.KeepBusy(time, governor.FargateRunTask, 16);
        Assert.Equal(20, governor.FargateRunTask.EffectiveRatePerSecond, 3);
    }

    [Fact]
    public void OnThrottled_Ec2RunTask_LeavesFargateBucketsAlone()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), time);

        governor.OnThrottled("RunTask", new JsonObject { ["launchType"] = "EC2" });

        Assert.Equal(20, governor.FargateRunTask.EffectiveRatePerSecond, 3);
        Assert.Equal(20, governor.GetBucket(EcsApiGroup.ClusterModify).EffectiveRatePerSecond, 3);
    }

    [Fact]
    public void AccountShare_ScalesEveryBucketsRateAndBurst_BurstAtLeastOne()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions { AccountShare = 0.25, Headroom = TimeSpan.Zero }, time);

        Assert.Equal(25, governor.GetBucket(EcsApiGroup.ClusterModify).Burst);
        Assert.Equal(10, governor.GetBucket(EcsApiGroup.ClusterModify).ConfiguredRatePerSecond, 3);
        Assert.Equal(5, governor.FargateRunTask.Burst);
        Assert.Equal(5, governor.FargateRunTask.ConfiguredRatePerSecond, 3);
        Assert.Equal(5, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).Burst);
        Assert.Equal(1, EcsRateGovernor.Scale(new TokenBucketOptions { Burst = 2, RatePerSecond = 1 }, 0.1).Burst);
    }

    [Fact]
    public void Constructor_InvalidBucket_NamesTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new EcsRateGovernor(new EcsRateLimitOptions { TaskDefinitionModify = new TokenBucketOptions { Burst = 0, RatePerSecond = 1 } }, new FakeTimeProvider()));

        Assert.Contains("EcsRateLimits.TaskDefinitionModify", ex.Message, StringComparison.Ordinal);
    }
}
