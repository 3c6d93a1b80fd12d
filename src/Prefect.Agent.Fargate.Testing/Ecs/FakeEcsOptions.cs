namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>Options of a <see cref="FakeEcs"/>.</summary>
public sealed class FakeEcsOptions
{
    /// <summary>Gets or sets the region the fake serves; requests must be signed for it.</summary>
    /// <value>The default value is <c>us-east-1</c>.</value>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Gets or sets the account id used in ARNs.</summary>
    /// <value>The default value is <c>123456789012</c>.</value>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>Gets or sets the time the fake waits before answering each call.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets whether the fake throttles like ECS (<c>ThrottlingException</c>, HTTP 400, "Rate exceeded") when
    /// calls exceed <see cref="Quotas"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnforceQuotas { get; set; }

    /// <summary>Gets or sets the request quotas enforced when <see cref="EnforceQuotas"/> is on.</summary>
    /// <value>The default value is ECS's published defaults: RunTask 100 burst/40 per second, Register/Deregister 20/1,
    /// Describe/List 50/20, Fargate launches 100/20 tasks.</value>
    public EcsRateLimitOptions Quotas { get; set; } = new();

    /// <summary>Gets or sets whether requests must carry a valid SigV4 signature (made with <see cref="FakeEcs.AccessKeyId"/>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireSignature { get; set; } = true;

    /// <summary>Gets or sets the clock of the latency and of timestamps.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the time from StopTask to <c>STOPPED</c> (the task is <c>desiredStatus</c> <c>STOPPED</c> at once).</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan StopTaskDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
