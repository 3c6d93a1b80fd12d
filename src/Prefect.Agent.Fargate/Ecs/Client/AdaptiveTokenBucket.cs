namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/> whose refill rate adapts to throttling: halved (at most once a
/// second, down to a tenth of the configured rate) when AWS throttles, then raised again by a tenth of the configured
/// rate per second without throttling, up to the configured rate (additive increase, multiplicative decrease, the
/// simple counterpart of the AWS SDKs' adaptive retry mode).
/// </summary>
/// <remarks>
/// Hand-written rather than a <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>: that limiter refills from
/// <c>Stopwatch</c> time even with <c>AutoReplenishment = false</c> (<c>TryReplenish</c> adds the fill rate times the
/// real elapsed time, verified with version 10.0.0), so it cannot follow a <c>FakeTimeProvider</c>, and it has no
/// adaptive rate. Tokens are computed lazily from the clock; waiters sleep on the <see cref="TimeProvider"/>.
/// <para>
/// The bucket holds <see cref="HeadroomTokens"/> fewer tokens than ECS's (<see cref="Capacity"/> = burst - headroom)
/// and refills at the same rate. ECS's bucket starts refilling when the first request of a burst arrives, a transit
/// time after the client took its token; a later request with a shorter transit (a warm pooled connection, less
/// queueing at either end) would reach ECS before ECS's token is due. Holding back <c>k</c> tokens keeps the client
/// <c>k / rate</c> behind ECS in every window, so arrivals conform to ECS's bucket as long as transit times differ by
/// less than that; it costs <c>k / rate</c> once per drained burst, not a share of the throughput.
/// </para>
/// </remarks>
internal sealed class AdaptiveTokenBucket : IDisposable
{
    /// <summary>The factor applied to the rate on throttling.</summary>
    public const double SlowDownFactor = 0.5;

    /// <summary>The lowest rate, as a fraction of the configured rate.</summary>
    public const double FloorFraction = 0.1;

    /// <summary>The rate regained per second without throttling, as a fraction of the configured rate.</summary>
    public const double RecoveryPerSecond = 0.1;

    private const double Epsilon = 1e-9;
    private static readonly TimeSpan SlowDownInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider timeProvider;
    private readonly object gate = new();
    private readonly double configuredRate;
    private double effectiveRate;
    private double tokens;
    private DateTimeOffset lastRefill;
    private DateTimeOffset? lastSlowDown;
    private DateTimeOffset? lastThrottle;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveTokenBucket"/> class.</summary>
    /// <param name="name">The bucket's option name, for messages.</param>
    /// <param name="options">ECS's burst and rate for this bucket.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="headroom">The transit-time margin kept behind ECS's bucket (see <see cref="HeadroomTokensFor"/>).</param>
    public AdaptiveTokenBucket(string name, TokenBucketOptions options, TimeProvider timeProvider, TimeSpan headroom = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Burst < 1 || !(options.RatePerSecond > 0) || double.IsInfinity(options.RatePerSecond))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"EcsRateLimits.{name}: Burst ({options.Burst}) must be at least 1 and RatePerSecond ({options.RatePerSecond}) a positive number.");
        }

        if (headroom < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), headroom, "EcsRateLimits.Headroom must be zero or positive.");
        }

        Name = name;
        Burst = options.Burst;
        configuredRate = options.RatePerSecond;
        effectiveRate = configuredRate;
        HeadroomTokens = HeadroomTokensFor(headroom, configuredRate);
        Capacity = Math.Max(1, Burst - HeadroomTokens);
        tokens = Capacity;
        this.timeProvider = timeProvider;
        lastRefill = timeProvider.GetUtcNow();
    }

    public string Name { get; }

    /// <summary>Gets ECS's burst for this bucket.</summary>
    public int Burst { get; }

    /// <summary>Gets the tokens held back from ECS's burst as a margin against transit-time differences.</summary>
    public int HeadroomTokens { get; }

    /// <summary>Gets the tokens the client's bucket holds at most: <see cref="Burst"/> - <see cref="HeadroomTokens"/>, at least 1.</summary>
    public int Capacity { get; }

    public double ConfiguredRatePerSecond => configuredRate;

    /// <summary>Gets the current refill rate (lower than the configured one after throttling).</summary>
    public double EffectiveRatePerSecond
    {
        get
        {
            lock (gate)
            {
                Refill();
                return effectiveRate;
            }
        }
    }

    /// <summary>Gets the whole tokens available now.</summary>
    public long AvailableTokens
    {
        get
        {
            lock (gate)
            {
                Refill();
                return (long)Math.Floor(tokens + Epsilon);
            }
        }
    }

    /// <summary>
    /// Converts a time margin into tokens of a bucket: none for a zero margin, else <c>ceil(margin x rate)</c> and at
    /// least one (e.g. 100 ms: 4 tokens at 40/s, 2 at 20/s, 1 at 1/s).
    /// </summary>
    /// <param name="headroom">The margin.</param>
    /// <param name="ratePerSecond">The bucket's configured rate.</param>
    /// <returns>The tokens to hold back.</returns>
    public static int HeadroomTokensFor(TimeSpan headroom, double ratePerSecond)
    {
        if (headroom <= TimeSpan.Zero)
        {
            return 0;
        }

        // Less a hair, so that 0.1 s x 40/s is 4 tokens, not 5 through a floating-point excess.
        var tokens = Math.Ceiling((headroom.TotalSeconds * ratePerSecond) - 1e-6);
        return tokens >= int.MaxValue ? int.MaxValue : Math.Max(1, (int)tokens);
    }

    /// <summary>Waits for <paramref name="count"/> tokens (clamped to the capacity).</summary>
    /// <param name="count">The tokens to take.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the tokens are taken.</returns>
    public async ValueTask AcquireAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = TryTake(count);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes tokens if available now, without waiting.</summary>
    /// <param name="count">The tokens.</param>
    /// <returns>Whether they were taken.</returns>
    public bool TryAcquire(int count) => TryTake(count) <= TimeSpan.Zero;

    /// <summary>Slows the refill down after AWS throttled a call of this group.</summary>
    /// <returns>Whether the rate was lowered now (at most once a second).</returns>
    public bool OnThrottled()
    {
        lock (gate)
        {
            Refill();
            var now = timeProvider.GetUtcNow();
            lastThrottle = now;
            if (lastSlowDown is { } last && now - last < SlowDownInterval)
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
        // Nothing to release: no timer; kept disposable so that a timer-based refill can come back without API change.
    }

    /// <summary>Takes the tokens, or tells how long until they may be there.</summary>
    private TimeSpan TryTake(int count)
    {
        var needed = Math.Clamp(count, 1, Capacity);
        lock (gate)
        {
            Refill();
            if (tokens + Epsilon >= needed)
            {
                tokens = Math.Max(0, tokens - needed);
                return TimeSpan.Zero;
            }

            // At least a millisecond, so that a rounding error never spins.
            return TimeSpan.FromSeconds(Math.Max((needed - tokens) / effectiveRate, 0.001));
        }
    }

    private void Refill()
    {
        var now = timeProvider.GetUtcNow();
        var elapsed = (now - lastRefill).TotalSeconds;
        if (elapsed <= 0)
        {
            return;
        }

        // Tokens at the rate in force since the last refill (the recovery below applies from now on: conservative).
        tokens = Math.Min(Capacity, tokens + (elapsed * effectiveRate));
        if (effectiveRate < configuredRate && lastThrottle is { } throttled)
        {
            var recoveryStart = throttled + SlowDownInterval > lastRefill ? throttled + SlowDownInterval : lastRefill;
            var recovering = (now - recoveryStart).TotalSeconds;
            if (recovering > 0)
            {
                effectiveRate = Math.Min(configuredRate, effectiveRate + (configuredRate * RecoveryPerSecond * recovering));
            }
        }

        lastRefill = now;
    }
}
