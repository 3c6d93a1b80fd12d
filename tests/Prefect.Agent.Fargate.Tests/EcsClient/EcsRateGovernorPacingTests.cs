using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

/// <summary>
/// The pacing that lets several agents share one account's ECS buckets: slow start, multiplicative decrease of rate and
/// burst, and an additive increase that slows down under repeated throttling. Deterministic: FakeTimeProvider, no sleeps.
/// </summary>
public sealed class EcsRateGovernorPacingTests
{
    private static readonly JsonObject Fargate = new() { ["launchType"] = "FARGATE" };

    /// <summary>Advances the clock in 10 ms steps, taking every whole token as it comes: the bucket in use, never full.</summary>
    internal static void KeepBusy(FakeTimeProvider time, AdaptiveTokenBucket bucket, double seconds)
    {
        for (var i = 0; i < (int)Math.Round(seconds * 100); i++)
        {
            while (bucket.TryAcquire(1))
            {
            }

            time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    private static AdaptiveTokenBucket Bucket(FakeTimeProvider time, int burst, double rate, bool slowStart) =>
        new("Test", new TokenBucketOptions { Burst = burst, RatePerSecond = rate }, time, headroom: TimeSpan.Zero, slowStart);

    [Fact]
    public void SlowStart_FreshBucket_HoldsAnEighthOfItsCapacity_RoundedUp()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: true);

        Assert.True(bucket.InSlowStart);
        Assert.Equal(3, bucket.Ceiling);
        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(bucket.TryAcquire(1)));
        Assert.False(bucket.TryAcquire(1));

        // The refill runs at the full rate but stops at the window, not at the capacity.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, bucket.AvailableTokens);
    }

    [Fact]
    public void SlowStart_EachAnswer_OpensTheWindowByOneToken_UntilTheCapacity()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: true);
        Assert.True(bucket.TryAcquire(3));

        // Three answers: three tokens and three more room (each round trip sends the first window again).
        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.OnAnswered());
        }

        Assert.Equal(6, bucket.Ceiling);
        Assert.Equal(3, bucket.AvailableTokens);
        Assert.True(bucket.TryAcquire(3));
        for (var i = 0; i < 14; i++)
        {
            bucket.OnAnswered();
        }

        Assert.False(bucket.InSlowStart);
        Assert.Equal(20, bucket.Ceiling);
        Assert.Equal(14, bucket.AvailableTokens);
        Assert.False(bucket.OnAnswered());
    }

    [Fact]
    public void SlowStart_Throttle_EndsIt_AndHalvesTheRateAndTheCeiling()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: true);
        Assert.True(bucket.TryAcquire(3));
        bucket.OnAnswered();
        bucket.OnAnswered();

        Assert.True(bucket.OnThrottled());

        Assert.False(bucket.InSlowStart);
        Assert.Equal(10, bucket.EffectiveRatePerSecond);
        Assert.Equal(10 * AdaptiveTokenBucket.ThrottledBurstSeconds, bucket.Ceiling);
        Assert.False(bucket.OnAnswered());
        Assert.Equal(2, bucket.AvailableTokens);
    }

    [Fact]
    public async Task SlowStart_Waiter_WakesOnAnAnswer_WithoutTheClockMoving()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 1, slowStart: true);
        await bucket.AcquireAsync(3, CancellationToken.None);

        var waiting = bucket.AcquireAsync(1, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        bucket.OnAnswered();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SlowStart_WaiterCancelled_Throws()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 1, slowStart: true);
        await bucket.AcquireAsync(3, CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = bucket.AcquireAsync(1, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Recovery_AfterAThrottle_IsFastUpToThePlateau_SlowAcrossIt_UpToTheThrottledRate()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: false);

        // Throttled at the full 20/s: 10/s, the plateau from 16/s (80 %) on.
        bucket.OnThrottled();
        Assert.Equal(20, bucket.LastThrottledRatePerSecond);
        Assert.Equal(10, bucket.EffectiveRatePerSecond);

        // A second's pause, then 2/s per second (a tenth of 20/s) up to 16/s: 3 s.
        KeepBusy(time, bucket, 1);
        Assert.Equal(10, bucket.EffectiveRatePerSecond, 6);
        KeepBusy(time, bucket, 3);
        Assert.Equal(16, bucket.EffectiveRatePerSecond, 6);

        // Across the plateau, 0.2/s per second (a hundredth): 20 s from 16/s to the configured 20/s.
        KeepBusy(time, bucket, 10);
        Assert.Equal(18, bucket.EffectiveRatePerSecond, 6);
        Assert.Equal(AdaptiveTokenBucket.PlateauRecoveryPerSecond, bucket.RecoveryStep, 9);
        KeepBusy(time, bucket, 10);
        Assert.Equal(20, bucket.EffectiveRatePerSecond, 6);
    }

    [Fact]
    public void Recovery_AQuarterBeyondTheThrottledRate_IsFastAgain_TheOtherAgentsMayHaveGone()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: false);
        bucket.OnThrottled();
        KeepBusy(time, bucket, 1);
        bucket.OnThrottled();
        KeepBusy(time, bucket, 1);

        // Throttled at 10/s, now 5/s: fast to 8/s (1.5 s), slowly to 12.5/s (0.2/s per second: 22.5 s), fast to 20/s
        // (2/s per second: 3.75 s).
        Assert.Equal(10, bucket.LastThrottledRatePerSecond);
        KeepBusy(time, bucket, 1.5);
        Assert.Equal(8, bucket.EffectiveRatePerSecond, 6);
        KeepBusy(time, bucket, 10);
        Assert.Equal(10, bucket.EffectiveRatePerSecond, 6);
        Assert.Equal(AdaptiveTokenBucket.PlateauRecoveryPerSecond, bucket.RecoveryStep, 9);
        KeepBusy(time, bucket, 12.5);
        Assert.Equal(12.5, bucket.EffectiveRatePerSecond, 6);
        Assert.Equal(AdaptiveTokenBucket.RecoveryPerSecond, bucket.RecoveryStep, 9);
        KeepBusy(time, bucket, 2.5);
        Assert.Equal(17.5, bucket.EffectiveRatePerSecond, 6);
        KeepBusy(time, bucket, 10);
        Assert.Equal(20, bucket.EffectiveRatePerSecond, 6);
    }

    [Fact]
    public void Recovery_WhileTheBucketSitsFull_DoesNotCount()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: false);
        bucket.OnThrottled();

        // Ten quiet seconds (nobody takes a token): still 10/s.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, bucket.EffectiveRatePerSecond, 6);

        // In use, it recovers as usual: 2/s per second.
        KeepBusy(time, bucket, 2);
        Assert.Equal(14, bucket.EffectiveRatePerSecond, 6);
    }

    [Fact]
    public void Ceiling_AfterThrottling_IsAQuarterSecondOfTheRate_SoAQuietPeriodGivesNoBurst()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 20, rate: 20, slowStart: false);
        bucket.OnThrottled();
        bucket.OnThrottled();
        time.Advance(TimeSpan.FromSeconds(1));
        bucket.OnThrottled();

        // Quarter rate: after a quiet period the bucket holds a quarter second of it, not the whole burst (nor a
        // quarter of it): an agent whose runs waited comes back at its rate, not with a burst the shared bucket lacks.
        Assert.Equal(5, bucket.EffectiveRatePerSecond, 6);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1.25, bucket.Ceiling, 6);
        Assert.Equal(1, bucket.AvailableTokens);

        // Back at the configured rate, the whole capacity again.
        KeepBusy(time, bucket, 60);
        Assert.Equal(20, bucket.EffectiveRatePerSecond, 6);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(20, bucket.Ceiling, 6);
    }

    [Fact]
    public void Governor_SlowStartByDefault_StartsEveryBucketAtAnEighth_AndOffStartsFull()
    {
        var time = new FakeTimeProvider();
        using var slow = new EcsRateGovernor(new EcsRateLimitOptions(), time);
        using var full = new EcsRateGovernor(new EcsRateLimitOptions { SlowStart = false }, time);

        Assert.Equal(12, slow.GetBucket(EcsApiGroup.ClusterModify).AvailableTokens);
        Assert.Equal(3, slow.GetBucket(EcsApiGroup.TaskDefinitionModify).AvailableTokens);
        Assert.Equal(3, slow.FargateRunTask.AvailableTokens);
        Assert.Equal(96, full.GetBucket(EcsApiGroup.ClusterModify).AvailableTokens);
        Assert.Equal(19, full.GetBucket(EcsApiGroup.TaskDefinitionModify).AvailableTokens);
        Assert.Equal(18, full.FargateRunTask.AvailableTokens);
    }

    [Fact]
    public async Task Governor_FargateRunTaskAnswered_OpensEveryBucketItDrewFrom()
    {
        var time = new FakeTimeProvider();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), time);
        var four = new JsonObject { ["launchType"] = "FARGATE", ["count"] = 4 };
        await governor.AcquireAsync("RunTask", four, CancellationToken.None);

        governor.OnAnswered("RunTask", four);

        Assert.Equal(13, governor.GetBucket(EcsApiGroup.ClusterModify).Ceiling);
        Assert.Equal(4, governor.FargateRunTask.Ceiling);
        Assert.Equal(17, governor.FargateLaunch.Ceiling);
        Assert.Equal(3, governor.GetBucket(EcsApiGroup.TaskDefinitionModify).Ceiling);
    }

    [Fact]
    public void Create_SameLimiter_SlowStartDiffers_IsAClearError()
    {
        var endpoint = new Uri("https://ecs.eu-west-3.amazonaws.com/");
        var limiter = new EcsRateLimiter();
        EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter }, new FakeTimeProvider());

        var ex = Assert.Throws<InvalidOperationException>(() =>
            EcsRateGovernor.Create(endpoint, "eu-west-3", new EcsRateLimitOptions { Limiter = limiter, SlowStart = false }, new FakeTimeProvider()));

        Assert.Contains("SlowStart=False", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EcsClient_Answers_OpenTheSlowStart_WithoutTheClockMoving()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var governor = new EcsRateGovernor(new EcsRateLimitOptions(), new FakeTimeProvider());
        using var client = EcsTestClients.Create(ecs, governor: governor);
        var bucket = governor.GetBucket(EcsApiGroup.DescribeAndList);
        Assert.Equal(6, bucket.AvailableTokens);

        // 22 calls one after the other against a window of 6: the clock never moves, so only the answers can open it
        // (each call takes a token and its answer gives it back with a token more of room).
        for (var i = 0; i < 22; i++)
        {
            await client.DescribeTasksAsync(new JsonObject { ["tasks"] = new JsonArray("abc") }, CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(28, bucket.Ceiling);
        Assert.Equal(6, bucket.AvailableTokens);
        Assert.True(bucket.InSlowStart);
    }

    /// <summary>
    /// Three agents that start together against one account's Fargate RunTask bucket (burst 20, 20/s), each with its
    /// own governor and an answer 15 ms after each call: with the slow start, the start's throttled calls are a fraction
    /// of what three full bursts cost.
    /// </summary>
    [Fact]
    public void ThreeAgentsStartingTogether_SlowStart_ThrottlesFarFewerCallsThanFullBursts()
    {
        var withSlowStart = SimulateThreeAgents(slowStart: true, seconds: 3);
        var withoutSlowStart = SimulateThreeAgents(slowStart: false, seconds: 3);

        Assert.True(withoutSlowStart.Throttled >= 34, $"three full bursts against one: {withoutSlowStart.Throttled} throttled");
        Assert.True(withSlowStart.Throttled * 3 <= withoutSlowStart.Throttled, $"slow start {withSlowStart.Throttled}, without {withoutSlowStart.Throttled}");

        // And the account's rate is still used: at least 90 % of what ECS's bucket lets through in 3 s (20 + 3 x 20).
        Assert.True(withSlowStart.Accepted >= 72, $"accepted {withSlowStart.Accepted}");
    }

    /// <summary>
    /// Three agents that keep one account's Fargate RunTask bucket busy for 45 s: after the start, each decrease is
    /// followed by a long, slow approach of the rate where the bucket ran out, so few calls are throttled (the issue's
    /// target for three agent processes is at most 5 % of calls, registrations included), and the account's rate is
    /// still used.
    /// </summary>
    [Fact]
    public void ThreeAgentsSharingOneBucket_SteadyState_ThrottleFewCalls_AndUseTheAccountsRate()
    {
        var (accepted, throttled) = SimulateThreeAgents(slowStart: true, seconds: 45);

        Assert.True(throttled * 100 <= (accepted + throttled) * 4, $"throttled {throttled} of {accepted + throttled} calls");
        Assert.True(accepted >= 0.95 * (20 + (45 * 20)), $"accepted {accepted} of ECS's {20 + (45 * 20)}");
    }

    [Fact]
    public async Task WaitForToken_WaitsForTheRefill_AndLeavesTheTokenToTheNextCall()
    {
        var time = new FakeTimeProvider();
        using var bucket = Bucket(time, burst: 2, rate: 1, slowStart: false);
        Assert.True(bucket.TryAcquire(2));

        var waiting = bucket.WaitForTokenAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, bucket.AvailableTokens);
        Assert.True(bucket.TryAcquire(1));
    }

    /// <summary>
    /// A discrete-time model (0.5 ms steps): every agent always has a RunTask waiting; it sends when its governor has
    /// a token; ECS (the fake's quota buckets) answers 15 ms later, throttled or not, and the agent's governor hears it
    /// (with when the call was sent, as the client tells it).
    /// </summary>
    private static (int Accepted, int Throttled) SimulateThreeAgents(bool slowStart, int seconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EcsRateLimitOptions { SlowStart = slowStart };
        var ecs = new FakeEcsQuotas(new EcsRateLimitOptions(), time);
        var agents = Enumerable.Range(0, 3).Select(_ => new EcsRateGovernor(options, time)).ToList();
        var answers = new List<(DateTimeOffset At, int Agent, bool Throttled, DateTimeOffset Sent)>();
        var (accepted, throttled) = (0, 0);
        var step = TimeSpan.FromMilliseconds(0.5);
        var latency = TimeSpan.FromMilliseconds(15);
        var end = time.GetUtcNow() + TimeSpan.FromSeconds(seconds);
        try
        {
            while (time.GetUtcNow() < end)
            {
                foreach (var answer in answers.Where(a => a.At <= time.GetUtcNow()).ToList())
                {
                    answers.Remove(answer);
                    if (answer.Throttled)
                    {
                        agents[answer.Agent].OnThrottled("RunTask", Fargate, answer.Sent);
                    }
                    else
                    {
                        agents[answer.Agent].OnAnswered("RunTask", Fargate);
                    }
                }

                for (var i = 0; i < agents.Count; i++)
                {
                    while (agents[i].GetBucket(EcsApiGroup.ClusterModify).AvailableTokens > 0
                        && agents[i].FargateLaunch.AvailableTokens > 0
                        && agents[i].FargateRunTask.TryAcquire(1))
                    {
                        agents[i].GetBucket(EcsApiGroup.ClusterModify).TryAcquire(1);
                        agents[i].FargateLaunch.TryAcquire(1);
                        var ok = ecs.TryAcquire("RunTask", Fargate);
                        (accepted, throttled) = ok ? (accepted + 1, throttled) : (accepted, throttled + 1);
                        answers.Add((time.GetUtcNow() + latency, i, !ok, time.GetUtcNow()));
                    }
                }

                time.Advance(step);
            }
        }
        finally
        {
            agents.ForEach(a => a.Dispose());
        }

        return (accepted, throttled);
    }
}
