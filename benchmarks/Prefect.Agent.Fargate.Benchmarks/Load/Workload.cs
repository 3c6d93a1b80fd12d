namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>A load: how many scheduled runs of how many flows, and how the fake ECS behaves.</summary>
/// <param name="Name">The name (<c>a</c>, <c>b</c>).</param>
/// <param name="Runs">Scheduled flow runs, all ready at once.</param>
/// <param name="Flows">Distinct flows (so task definitions) the runs are spread over.</param>
/// <param name="EcsLatency">The latency of every ECS call.</param>
/// <param name="EnforceQuotas">Whether the fake ECS throttles beyond ECS's default quotas.</param>
internal sealed record Workload(string Name, int Runs, int Flows, TimeSpan EcsLatency, bool EnforceQuotas)
{
    public static readonly Workload A = new("a", 500, 20, TimeSpan.FromMilliseconds(20), EnforceQuotas: false);

    public static readonly Workload B = new("b", 600, 30, TimeSpan.FromMilliseconds(15), EnforceQuotas: true);

    public string Describe() =>
        $"({Name}) {Runs} runs of {Flows} flows, {EcsLatency.TotalMilliseconds:F0} ms ECS latency, {(EnforceQuotas ? "ECS quotas enforced" : "no quotas")}";
}
