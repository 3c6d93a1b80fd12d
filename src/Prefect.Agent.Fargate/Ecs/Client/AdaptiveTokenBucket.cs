namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/> that adapts to throttling the way TCP adapts to loss, so that several
/// agents (or processes) drawing on one account's ECS bucket converge on their share without knowing how many they are:
/// <list type="bullet">
/// <item><description><b>Slow start</b> (when enabled): a fresh bucket holds an eighth of its capacity
/// (<see cref="SlowStartInitialFraction"/>); every call ECS answers without throttling adds a token and raises the
/// ceiling by one (<see cref="SlowStartGrowth"/>: each round trip sends the first window again), until the ceiling is
/// the capacity or ECS throttles.
/// One agent alone opens its whole burst within a few round trips; agents that start together find the shared
/// bucket's size instead of each spending it all at once.</description></item>
/// <item><description><b>Multiplicative decrease</b>: a throttle halves the refill rate and the ceiling (down to a tenth
/// of the configured rate) and ends the slow start; once per window, as in TCP: the throttle of a call sent before the
/// last decrease lowers nothing more, the throttle of a call sent after it (at the lowered rate) does.</description></item>
/// <item><description><b>Additive increase</b>, shaped like TCP CUBIC's: each second without throttling (from a second
/// after the last one) gives back <see cref="RecoveryPerSecond"/> of the configured rate up to
/// <see cref="PlateauStartFraction"/> of the rate at which ECS last throttled, then only
/// <see cref="PlateauRecoveryPerSecond"/> up to <see cref="PlateauEndFraction"/> of that rate (where the shared bucket ran
/// out: approached and passed gently), then <see cref="RecoveryPerSecond"/> again beyond it (the other agents may have
/// gone). The plateau is the rate of an episode's first decrease: decreases within a second of it answer the same empty
/// bucket. Below the configured rate the ceiling is at most a quarter second of the rate
/// (<see cref="ThrottledBurstSeconds"/>): no bursts into a shared bucket. Only
/// seconds in which the bucket was in use count: a bucket that sits full (nobody waiting for its rate) does not recover,
/// so agents that were idle together (e.g. waiting for registrations) do not come back together at full rate.</description></item>
/// </list>
/// </summary>
/// <remarks>
/// Hand-written rather than a <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>: that limiter refills from
/// <c>Stopwatch</c> time even with <c>AutoReplenishment = false</c> (<c>TryReplenish</c> adds the fill rate times the
/// real elapsed time, verified with version 10.0.0), so it cannot follow a <c>FakeTimeProvider</c>, and it has no
/// adaptive rate. Tokens are computed lazily from the clock; waiters sleep on the <see cref="TimeProvider"/> (in slow
/// start they also wake when an answer adds tokens).
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

    /// <summary>The rate regained per second without throttling, as a fraction of the configured rate, away from the last throttle's rate.</summary>
    public const double RecoveryPerSecond = 0.1;

    /// <summary>
    /// The rate regained per second between <see cref="PlateauStartFraction"/> and <see cref="PlateauEndFraction"/> of
    /// the last throttle's rate: a tenth of <see cref="RecoveryPerSecond"/>, so that agents sharing a bucket linger
    /// where it ran out (about 15 s across the plateau for a third of the bucket) instead of finding it again every few seconds.
    /// </summary>
    public const double PlateauRecoveryPerSecond = RecoveryPerSecond / 10;

    /// <summary>Where the plateau around the last throttle's rate begins, as a fraction of that rate.</summary>
    public const double PlateauStartFraction = 0.8;

    /// <summary>Where the plateau around the last throttle's rate ends, as a fraction of that rate.</summary>
    public const double PlateauEndFraction = 1.25;

    /// <summary>The share of the capacity a bucket in slow start holds at first.</summary>
    public const double SlowStartInitialFraction = 0.125;

    /// <summary>
    /// The tokens (and room) an answered call adds to a bucket in slow start, per token it took. Less than one would
    /// stall a slowly refilled bucket (RegisterTaskDefinition's 1/s) at initial / (1 - growth) tokens.
    /// </summary>
    public const double SlowStartGrowth = 1;

    /// <summary>The burst a throttled bucket allows, in seconds of its current rate (at least one token).</summary>
    public const double ThrottledBurstSeconds = 0.25;

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
    private double plateauRate;
    private bool slowStart;
    private double slowStartCeiling;
    private TaskCompletionSource? grown;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveTokenBucket"/> class.</summary>
    /// <param name="name">The bucket's option name, for messages.</param>
    /// <param name="options">ECS's burst and rate for this bucket.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="headroom">The transit-time margin kept behind ECS's bucket (see <see cref="HeadroomTokensFor"/>).</param>
    /// <param name="slowStart">Whether the bucket starts with <see cref="SlowStartInitialFraction"/> of its capacity and opens with ECS's answers.</param>
    public AdaptiveTokenBucket(string name, TokenBucketOptions options, TimeProvider timeProvider, TimeSpan headroom = default, bool slowStart = false)
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
        slowStartCeiling = Math.Max(1, Math.Ceiling(Capacity * SlowStartInitialFraction));
        this.slowStart = slowStart && slowStartCeiling < Capacity;
        tokens = this.slowStart ? slowStartCeiling : Capacity;
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

    /// <summary>Gets the tokens the bucket may hold now: in slow start the window opened so far, else the capacity scaled by the effective rate's share of the configured rate (at least 1).</summary>
    public double Ceiling
    {
        get
        {
            lock (gate)
            {
                Refill();
                return CurrentCeiling;
            }
        }
    }

    /// <summary>Gets whether the bucket is still in slow start (no throttle yet, window below the capacity).</summary>
    public bool InSlowStart
    {
        get
        {
            lock (gate)
            {
                return slowStart;
            }
        }
    }

    /// <summary>Gets the rate regained per second without throttling now, as a fraction of the configured rate.</summary>
    public double RecoveryStep
    {
        get
        {
            lock (gate)
            {
                Refill();
                return StepAt(effectiveRate);
            }
        }
    }

    /// <summary>Gets the rate at which ECS last throttled a call of this bucket (0 before any throttle).</summary>
    public double LastThrottledRatePerSecond
    {
        get
        {
            lock (gate)
            {
                return plateauRate;
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

    /// <summary>Waits for <paramref name="count"/> tokens (clamped to the ceiling).</summary>
    /// <param name="count">The tokens to take.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the tokens are taken.</returns>
    public ValueTask AcquireAsync(int count, CancellationToken cancellationToken) => WaitAsync(count, take: true, cancellationToken);

    /// <summary>Waits until a token is there, without taking it (the caller's next call takes it).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when a token is available.</returns>
    public ValueTask WaitForTokenAsync(CancellationToken cancellationToken) => WaitAsync(1, take: false, cancellationToken);

    private async ValueTask WaitAsync(int count, bool take, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, opened) = TryTake(count, take);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            if (opened is null)
            {
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // In slow start an answer adds tokens before the refill would: wake on either.
            using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, timeProvider, delayCancellation.Token);
            await Task.WhenAny(delay, opened).ConfigureAwait(false);
            await delayCancellation.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Takes tokens if available now, without waiting.</summary>
    /// <param name="count">The tokens.</param>
    /// <returns>Whether they were taken.</returns>
    public bool TryAcquire(int count) => TryTake(count, take: true).Wait <= TimeSpan.Zero;

    /// <summary>
    /// Tells the bucket that ECS answered a call drawn from it without throttling: in slow start, the window opens by
    /// <see cref="SlowStartGrowth"/> x <paramref name="count"/> tokens (ceiling and tokens), until it reaches the capacity.
    /// No effect after the slow start.
    /// </summary>
    /// <param name="count">The tokens the call took.</param>
    /// <returns>Whether the window opened.</returns>
    public bool OnAnswered(int count = 1)
    {
        if (!Volatile.Read(ref slowStart))
        {
            return false;
        }

        TaskCompletionSource? wake;
        lock (gate)
        {
            if (!slowStart)
            {
                return false;
            }

            Refill();
            var step = Math.Clamp(count, 1, Capacity) * SlowStartGrowth;
            slowStartCeiling = Math.Min(Capacity, slowStartCeiling + step);
            tokens = Math.Min(slowStartCeiling, tokens + step);
            if (slowStartCeiling >= Capacity)
            {
                slowStart = false;
            }

            wake = grown;
            grown = null;
        }

        wake?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Halves the rate and the ceiling after AWS throttled a call of this group, ends the slow start, and remembers the
    /// rate at which it was throttled (the recovery's plateau). A call sent before the last decrease was paced by the
    /// rate that decrease already answered, so its throttle lowers nothing (TCP's one decrease per window of loss); a
    /// call sent after it was paced by the lowered rate, and lowers it again.
    /// </summary>
    /// <param name="sentAt">When the throttled call took its token; <see langword="null"/> for now.</param>
    /// <returns>Whether the rate was lowered now.</returns>
    public bool OnThrottled(DateTimeOffset? sentAt = null)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            Refill();
            var now = timeProvider.GetUtcNow();
            lastThrottle = now;
            if (lastSlowDown is { } last && (sentAt ?? now) <= last)
            {
                return false;
            }

            // Where the shared bucket ran out: the recovery approaches it gently. Decreases that follow within a
            // second answer the same empty bucket (its debt, not a lower share): they keep the first one's plateau.
            var rate = effectiveRate;
            if (lastSlowDown is not { } previous || now - previous >= SlowDownInterval)
            {
                plateauRate = rate;
            }

            lastSlowDown = now;
            effectiveRate = Math.Max(configuredRate * FloorFraction, rate * SlowDownFactor);
            slowStart = false;
            tokens = Math.Min(tokens, CurrentCeiling);
            wake = grown;
            grown = null;
        }

        // Waiters of the slow start go back to waiting on the refill alone.
        wake?.TrySetResult();
        return true;
    }

    public void Dispose()
    {
        // Nothing to release: no timer; kept disposable so that a timer-based refill can come back without API change.
    }

    /// <summary>The recovery step at a rate: slow on the plateau around the last throttle's rate, fast elsewhere.</summary>
    private double StepAt(double rate) =>
        rate >= plateauRate * PlateauStartFraction && rate < plateauRate * PlateauEndFraction ? PlateauRecoveryPerSecond : RecoveryPerSecond;

    /// <summary>
    /// The ceiling: the slow start's window; the capacity at the configured rate; below it (throttled, the bucket
    /// shared) the capacity scaled by the rate, and at most <see cref="ThrottledBurstSeconds"/> of the rate, so that an
    /// agent whose demand paused (runs waiting for a registration) does not come back with a burst that ECS's shared
    /// bucket, kept near empty by the other agents, cannot take.
    /// </summary>
    private double CurrentCeiling => slowStart
        ? slowStartCeiling
        : effectiveRate >= configuredRate ? Capacity
        : Math.Max(1, Math.Min(Capacity * effectiveRate / configuredRate, effectiveRate * ThrottledBurstSeconds));

    /// <summary>Takes the tokens (or only finds them there), or tells how long until they may be there (and, in slow start, a task completing when an answer adds tokens).</summary>
    private (TimeSpan Wait, Task? Opened) TryTake(int count, bool take)
    {
        lock (gate)
        {
            Refill();
            var needed = Math.Clamp(count, 1, Math.Max(1, (int)Math.Floor(CurrentCeiling + Epsilon)));
            if (tokens + Epsilon >= needed)
            {
                if (take)
                {
                    tokens = Math.Max(0, tokens - needed);
                }

                return (TimeSpan.Zero, null);
            }

            // At least a millisecond, so that a rounding error never spins.
            var wait = TimeSpan.FromSeconds(Math.Max((needed - tokens) / effectiveRate, 0.001));
            if (!slowStart)
            {
                return (wait, null);
            }

            grown ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (wait, grown.Task);
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
        var ceiling = CurrentCeiling;
        var filled = tokens + (elapsed * effectiveRate);
        tokens = Math.Min(ceiling, filled);
        if (effectiveRate < configuredRate && lastThrottle is { } throttled)
        {
            var recoveryStart = throttled + SlowDownInterval > lastRefill ? throttled + SlowDownInterval : lastRefill;
            var recovering = (now - recoveryStart).TotalSeconds;

            // Time the bucket sat full does not count (TCP's congestion window validation): a rate nobody used says
            // nothing about the shared bucket, and agents idle together would otherwise come back together at full rate.
            if (filled > ceiling)
            {
                recovering -= (filled - ceiling) / effectiveRate;
            }

            // Piecewise linear: fast up to the plateau, slowly across it, fast beyond.
            while (recovering > Epsilon && effectiveRate < configuredRate)
            {
                var step = configuredRate * StepAt(effectiveRate);
                var zoneEnd = effectiveRate < plateauRate * PlateauStartFraction ? plateauRate * PlateauStartFraction
                    : effectiveRate < plateauRate * PlateauEndFraction ? plateauRate * PlateauEndFraction
                    : configuredRate;
                var seconds = Math.Min(recovering, (Math.Min(zoneEnd, configuredRate) - effectiveRate) / step);
                effectiveRate = seconds >= recovering ? Math.Min(configuredRate, effectiveRate + (step * seconds)) : Math.Min(zoneEnd, configuredRate);
                recovering -= seconds;
            }
        }

        lastRefill = now;
    }
}
