using System.Threading.RateLimiting;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// A <see cref="TokenBucketRateLimiter"/> whose refill is driven by a <see cref="TimeProvider"/> timer, and whose
/// refill rate adapts to throttling: halved (at most once a second, down to a floor) when AWS throttles, then raised
/// again by a tenth of the configured rate per second without throttling, up to the configured rate.
/// </summary>
/// <remarks>
/// The limiter's own auto-replenishment uses a system timer, which a <c>FakeTimeProvider</c> cannot drive, so it is
/// off and this class replenishes on a <see cref="TimeProvider"/> timer. The adaptive part is hand-written because
/// System.Threading.RateLimiting has no adaptive limiter and the SDKs' adaptive mode (CUBIC) is internal to their
/// pipelines; the AIMD rule used here is the simple, documented counterpart.
/// </remarks>
internal sealed class AdaptiveTokenBucket : IDisposable
{
    /// <summary>The refill tick.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>The factor applied to the rate on throttling.</summary>
    public const double SlowDownFactor = 0.5;

    /// <summary>The lowest rate, as a fraction of the configured rate.</summary>
    public const double FloorFraction = 0.1;

    /// <summary>The rate regained per second without throttling, as a fraction of the configured rate.</summary>
    public const double RecoveryPerSecond = 0.1;

    private static readonly TimeSpan SlowDownInterval = TimeSpan.FromSeconds(1);

    private readonly TokenBucketRateLimiter limiter;
    private readonly TimeProvider timeProvider;
    private readonly ITimer timer;
    private readonly object gate = new();
    private readonly double configuredRate;
    private double effectiveRate;
    private double credit;
    private DateTimeOffset lastSlowDown = DateTimeOffset.MinValue;
    private DateTimeOffset lastThrottle = DateTimeOffset.MinValue;

    public AdaptiveTokenBucket(string name, TokenBucketOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Burst < 1 || !(options.RatePerSecond > 0) || double.IsInfinity(options.RatePerSecond))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"EcsRateLimits.{name}: Burst ({options.Burst}) must be at least 1 and RatePerSecond ({options.RatePerSecond}) a positive number.");
        }

        Name = name;
        Burst = options.Burst;
        configuredRate = options.RatePerSecond;
        effectiveRate = configuredRate;
        this.timeProvider = timeProvider;
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Tick,
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        timer = timeProvider.CreateTimer(_ => OnTick(), null, Tick, Tick);
    }

    public string Name { get; }

    public int Burst { get; }

    public double ConfiguredRatePerSecond => configuredRate;

    /// <summary>Gets the current refill rate (lower than the configured one after throttling).</summary>
    public double EffectiveRatePerSecond
    {
        get
        {
            lock (gate)
            {
                return effectiveRate;
            }
        }
    }

    public long AvailableTokens => limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    /// <summary>Waits for <paramref name="tokens"/> tokens (clamped to the burst).</summary>
    /// <param name="tokens">The tokens to take.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the tokens are taken.</returns>
    public async ValueTask AcquireAsync(int tokens, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(Math.Clamp(tokens, 1, Burst), cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException($"The ECS rate limiter '{Name}' refused a request.");
        }
    }

    /// <summary>Takes tokens if available now, without waiting.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <returns>Whether they were taken.</returns>
    public bool TryAcquire(int tokens)
    {
        using var lease = limiter.AttemptAcquire(Math.Clamp(tokens, 1, Burst));
        return lease.IsAcquired;
    }

    /// <summary>Slows the refill down after AWS throttled a call of this group.</summary>
    /// <returns>Whether the rate was lowered now (at most once a second).</returns>
    public bool OnThrottled()
    {
        lock (gate)
        {
            var now = timeProvider.GetUtcNow();
            lastThrottle = now;
            if (now - lastSlowDown < SlowDownInterval)
            {
                return false;
            }

            lastSlowDown = now;
            effectiveRate = Math.Max(configuredRate * FloorFraction, effectiveRate * SlowDownFactor);
            return true;
        }
    }

    public void Dispose()
    {
        timer.Dispose();
        limiter.Dispose();
    }

    private void OnTick()
    {
        int replenish;
        lock (gate)
        {
            var seconds = Tick.TotalSeconds;
            if (effectiveRate < configuredRate && timeProvider.GetUtcNow() - lastThrottle >= SlowDownInterval)
            {
                effectiveRate = Math.Min(configuredRate, effectiveRate + (configuredRate * RecoveryPerSecond * seconds));
            }

            credit = Math.Min(credit + (effectiveRate * seconds), Burst);
            replenish = (int)Math.Floor(credit);
            credit -= replenish;
        }

        for (var i = 0; i < replenish; i++)
        {
            limiter.TryReplenish();
        }
    }
}
