namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>A load: how many scheduled runs of how many flows, and how the fake ECS behaves.</summary>
/// <param name="Name">The name (<c>a</c>, <c>b</c>).</param>
/// <param name="Runs">Scheduled flow runs, all ready at once.</param>
/// <param name="Flows">Distinct flows (so task definitions) the runs are spread over.</param>
/// <param name="EcsLatency">The latency of every ECS call.</param>
/// <param name="EnforceQuotas">Whether the fake ECS throttles beyond ECS's default quotas.</param>
/// <param name="Agents">Agent processes sharing the one fake ECS (one AWS account's buckets) and the runs.</param>
/// <param name="BackendLatency">How long the fake Prefect API takes to answer each GraphQL request (0: at once).</param>
internal sealed record Workload(string Name, int Runs, int Flows, TimeSpan EcsLatency, bool EnforceQuotas, int Agents = 1, TimeSpan BackendLatency = default)
{
    public static readonly Workload A = new("a", 500, 20, TimeSpan.FromMilliseconds(20), EnforceQuotas: false);

    public static readonly Workload B = new("b", 600, 30, TimeSpan.FromMilliseconds(15), EnforceQuotas: true);

    /// <summary>Issue 11 (d): 600 Fargate runs of 30 new flows against AWS's default buckets, the Fargate RunTask bucket included.</summary>
    public static readonly Workload D = new("d", 600, 30, TimeSpan.FromMilliseconds(15), EnforceQuotas: true);

    /// <summary>Issue 11 (e): three agent processes sharing one account's buckets, 900 runs of 30 flows.</summary>
    public static readonly Workload E = new("e", 900, 30, TimeSpan.FromMilliseconds(15), EnforceQuotas: true, Agents: 3);

    /// <summary>Issue 15 (f): workload (a) behind a backend that takes 100 ms per GraphQL answer (Prefect Cloud seen from an AWS region).</summary>
    public static readonly Workload F = A with { Name = "f", BackendLatency = TimeSpan.FromMilliseconds(100) };

    public string Describe() =>
        $"({Name}) {Runs} runs of {Flows} flows, {EcsLatency.TotalMilliseconds:F0} ms ECS latency, {(EnforceQuotas ? "ECS quotas enforced" : "no quotas")}"
        + (BackendLatency > TimeSpan.Zero ? $", {BackendLatency.TotalMilliseconds:F0} ms per GraphQL answer" : string.Empty)
        + (Agents > 1 ? $", {Agents} agent processes sharing the account" : string.Empty);
}
