namespace Prefect.Agent.Fargate;

/// <summary>
/// Client-side token buckets per ECS API group. Defaults are AWS's published defaults for ECS API request throttling
/// and AWS Fargate's throttling quotas (<see href="https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html">AWS
/// Fargate throttling quotas</see>); accounts with raised quotas raise them here.
/// </summary>
/// <remarks>
/// AWS throttles per account and region. Agents share buckets only through an explicit <see cref="Limiter"/>: agents
/// built with the same <see cref="EcsRateLimiter"/> instance (every agent of one DI container gets the container's)
/// draw from the same buckets per endpoint and region; an agent without one has buckets of its own.
/// <para>
/// Several agents (or processes) on one account converge on their share without configuration, the way TCP flows
/// share a link:
/// </para>
/// <list type="bullet">
/// <item><description><b>Slow start</b> (<see cref="SlowStart"/>): each bucket starts with an eighth of its capacity
/// and opens by one token for every call ECS answers without throttling (each round trip sends the first window again),
/// until its whole capacity (a few round trips to ECS for one agent alone) or the first throttle. Agents that start
/// together then find the shared bucket's size instead of each spending the whole burst at once.</description></item>
/// <item><description><b>Multiplicative decrease</b>: when ECS throttles a call, the buckets it drew from halve their
/// rate (down to a tenth of the configured rate) and hold at most a quarter second of it until it is back at the
/// configured rate (no bursts into the shared bucket), once per window as in TCP: the throttle of a call sent
/// before the last decrease lowers nothing more, that of a call sent after it lowers the rate again.</description></item>
/// <item><description><b>Additive increase</b>, shaped like TCP CUBIC's: each second without throttling gives back a
/// tenth of the configured rate, but only a hundredth between 80 % and 125 % of the rate at which ECS last throttled
/// (where the shared bucket ran out, approached and passed gently), and a tenth again beyond (the other agents may have
/// gone). Only time in which the bucket is in use counts (it does not recover while it sits full). One agent throttled
/// once at its full rate and kept busy is back to it in about 24 s.</description></item>
/// </list>
/// <para>
/// Teams that know how many agents share the account can also set <see cref="AccountShare"/> (e.g. 1/3 for three
/// agents), which divides every bucket from the start.
/// </para>
/// </remarks>
public sealed class EcsRateLimitOptions
{
    /// <summary>Gets or sets whether client-side rate limiting is on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how far the client's buckets run behind ECS's, as a margin against requests whose transit times
    /// to ECS differ (the first request of a burst opening a connection, later ones on warm pooled connections, network
    /// jitter). Each bucket holds back <c>ceil(Headroom x RatePerSecond)</c> tokens of its burst, at least one (the
    /// defaults: 4 of RunTask's 100, 2 of the 100 Fargate launches, 1 of RegisterTaskDefinition's 20), never leaving
    /// less than one. Without it, a request that overtakes the first of a burst is throttled by ECS. It costs
    /// <see cref="Headroom"/> once per drained burst, not a share of the throughput. <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan Headroom { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets RunTask and the other cluster-modify actions' bucket.</summary>
    /// <value>The default value is a burst of 100 and 40 per second.</value>
    public TokenBucketOptions ClusterModify { get; set; } = new() { Burst = 100, RatePerSecond = 40 };

    /// <summary>Gets or sets RegisterTaskDefinition and DeregisterTaskDefinition's bucket.</summary>
    /// <value>The default value is a burst of 20 and 1 per second.</value>
    public TokenBucketOptions TaskDefinitionModify { get; set; } = new() { Burst = 20, RatePerSecond = 1 };

    /// <summary>Gets or sets the Describe and List actions' bucket.</summary>
    /// <value>The default value is a burst of 50 and 20 per second.</value>
    public TokenBucketOptions DescribeAndList { get; set; } = new() { Burst = 50, RatePerSecond = 20 };

    /// <summary>
    /// Gets or sets the bucket of RunTask calls on Fargate (launch type <c>FARGATE</c>, or a capacity provider strategy
    /// naming <c>FARGATE</c> or <c>FARGATE_SPOT</c>), besides <see cref="ClusterModify"/> and <see cref="FargateLaunch"/>:
    /// AWS limits them to 20 per second, burst and sustained, each call starting up to 10 tasks
    /// (<see href="https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html">AWS Fargate throttling quotas</see>).
    /// </summary>
    /// <value>The default value is a burst of 20 and 20 per second.</value>
    public TokenBucketOptions FargateRunTask { get; set; } = new() { Burst = 20, RatePerSecond = 20 };

    /// <summary>
    /// Gets or sets the share of the account's quotas this agent uses, for teams that know how many agents share one
    /// account and region: every bucket's rate and burst are multiplied by it (a burst at least 1). E.g. 0.5 for two
    /// agents. Without it, agents still converge on their share through the adaptive slow-down, at the cost of some
    /// throttled calls.
    /// </summary>
    /// <value>The default value is 1 (the whole account). It must be greater than 0 and at most 1.</value>
    public double AccountShare { get; set; } = 1;

    /// <summary>
    /// Gets or sets whether each bucket starts in slow start: with an eighth of its capacity, opening by one token per
    /// call ECS answers without throttling until its whole capacity or the first throttle (TCP's slow start). It costs
    /// one agent alone a few round trips to ECS at start; it saves agents that start together on one account from
    /// spending the shared burst several times over. <see langword="false"/> starts every bucket full.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SlowStart { get; set; } = true;

    /// <summary>
    /// Gets or sets the object that owns the buckets, one governor per ECS endpoint and region: agents constructed
    /// with the same instance share their buckets (as AWS does per account and region). <see langword="null"/> gives the
    /// agent buckets of its own. <c>AddFargateAgent</c> sets the DI container's <see cref="EcsRateLimiter"/> when it is
    /// <see langword="null"/>, so every agent of a container shares.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public EcsRateLimiter? Limiter { get; set; }

    /// <summary>Gets or sets the Fargate task launch rate (tasks started per second).</summary>
    /// <value>The default value is a burst of 100 and 20 per second.</value>
    public TokenBucketOptions FargateLaunch { get; set; } = new() { Burst = 100, RatePerSecond = 20 };
}
