using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// The shortest time in which ECS's quotas allow a workload's unavoidable calls: one RunTask (one Fargate RunTask, one Fargate launch) per
/// run and one RegisterTaskDefinition per flow, every bucket full at the start. A bucket of burst <c>B</c> refilled at
/// <c>r</c>/s lets the <c>n</c>-th call through no earlier than <c>max(0, n - B) / r</c> seconds after the first.
/// Calls an agent adds beyond these (describes, lists) can only make the real figure larger.
/// </summary>
internal static class QuotaLowerBound
{
    public static IReadOnlyList<(string Constraint, TimeSpan Bound)> Compute(Workload workload, FakeEcsOptions ecs)
    {
        var quotas = ecs.Quotas;
        return
        [
            ($"RunTask: {workload.Runs} calls, burst {quotas.ClusterModify.Burst}, {quotas.ClusterModify.RatePerSecond:0.##}/s", Bound(workload.Runs, quotas.ClusterModify)),
            ($"Fargate RunTask: {workload.Runs} calls, burst {quotas.FargateRunTask.Burst}, {quotas.FargateRunTask.RatePerSecond:0.##}/s", Bound(workload.Runs, quotas.FargateRunTask)),
            ($"Fargate launches: {workload.Runs} tasks, burst {quotas.FargateLaunch.Burst}, {quotas.FargateLaunch.RatePerSecond:0.##}/s", Bound(workload.Runs, quotas.FargateLaunch)),
            ($"RegisterTaskDefinition: {workload.Flows} calls, burst {quotas.TaskDefinitionModify.Burst}, {quotas.TaskDefinitionModify.RatePerSecond:0.##}/s", Bound(workload.Flows, quotas.TaskDefinitionModify)),
        ];
    }

    private static TimeSpan Bound(int calls, TokenBucketOptions bucket) =>
        TimeSpan.FromSeconds(Math.Max(0, calls - bucket.Burst) / bucket.RatePerSecond);
}
