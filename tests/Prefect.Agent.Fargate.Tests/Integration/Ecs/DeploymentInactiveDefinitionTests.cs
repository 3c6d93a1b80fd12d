using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// Definitions that stop being usable behind the agent's back (deregistered, or refused by RunTask): the launcher says
/// so, the pipeline has the registry (the default, or a user's own) ensure them again and retries once; the tag lookup
/// skips deregistered revisions.
/// </summary>
public sealed class DeploymentInactiveDefinitionTests
{
    private const string DefaultFamily = "prefect-task-a718df81";

    private static string Arn(FakeEcs ecs, int revision) =>
        $"arn:aws:ecs:{ecs.Region}:{ecs.AccountId}:task-definition/{DefaultFamily}:{revision}";

    [Fact]
    public async Task Deploy_CachedDefinitionDeregistered_RegistersAgainAndRunsTheNewRevision()
    {
        await using var d = await StartAsync();
        await d.DeployAsync(Run(runId: "run-1"));
        d.Ecs.DeregisterTaskDefinition(Arn(d.Ecs, 1));
        d.Ecs.ClearRequests();

        await d.DeployAsync(Run(runId: "run-2"));

        Assert.Equal(["RunTask", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.Equal((400, "ClientException"), (d.Ecs.Requests[0].StatusCode, d.Ecs.Requests[0].ErrorCode));
        Assert.Equal(Arn(d.Ecs, 1), d.Ecs.Requests[0].Body()["taskDefinition"].Text());
        var retried = d.Ecs.Requests[3].Body();
        Assert.Equal(Arn(d.Ecs, 2), retried["taskDefinition"].Text());
        Assert.Equal(d.Ecs.Requests[0].Body()["clientToken"].Text(), retried["clientToken"].Text());
        Assert.Equal(["ACTIVE", "INACTIVE"], d.Ecs.TaskDefinitions.Select(t => t.Status).Order(StringComparer.Ordinal));
        Assert.Equal(Arn(d.Ecs, 2), d.Ecs.Tasks.Single(t => t.Task["overrides"]!.ToJsonString().Contains("run-2", StringComparison.Ordinal)).TaskDefinitionArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_UsersOwnRegistryAnsweredADeregisteredDefinition_SeesTheEnsureAgainCallAndTheRunStarts()
    {
        await using var d = await StartAsync();
        var registry = new UserRegistry(d.Ecs);
        var plan = d.Planner.Plan(Run(runId: "run-1"), 2, null);
        await d.LaunchAsync(plan, "run-1", registry: registry);
        d.Ecs.DeregisterTaskDefinition(Arn(d.Ecs, 1));
        d.Ecs.ClearRequests();

        var result = await d.LaunchAsync(d.Planner.Plan(Run(runId: "run-2"), 2, null), "run-2", registry: registry);

        // The default ECS launcher over real HTTP reports the refusal; the user's registry is asked, not the default one.
        Assert.Equal([Arn(d.Ecs, 1)], registry.Refused);
        Assert.Equal(["RunTask", "RunTask"], d.Ecs.Operations());
        Assert.Equal(Arn(d.Ecs, 2), d.Ecs.Requests[1].Body()["taskDefinition"].Text());
        Assert.Equal(d.Ecs.Requests[0].Body()["clientToken"].Text(), d.Ecs.Requests[1].Body()["clientToken"].Text());
        Assert.Equal(result.TaskArn, d.Ecs.Tasks[^1].TaskArn);
        Assert.Equal(Arn(d.Ecs, 2), d.Ecs.Tasks[^1].TaskDefinitionArn);
    }

    [Fact]
    public async Task Deploy_ConcurrentRunsWithADeregisteredCachedDefinition_AllRecoverWithOneRegistration()
    {
        await using var d = await StartAsync();
        await d.DeployAsync(Run(runId: "run-0"));
        d.Ecs.DeregisterTaskDefinition(Arn(d.Ecs, 1));
        d.Ecs.ClearRequests();

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => d.DeployAsync(Run(runId: $"run-{i}"))));

        Assert.Equal(20, results.Select(r => r.TaskArn).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, d.Ecs.GetCallCount("RegisterTaskDefinition"));
        Assert.Equal(Arn(d.Ecs, 2), d.Ecs.TaskDefinitions[^1].Arn);
        Assert.All(d.Ecs.Tasks.Skip(1), t => Assert.Equal(Arn(d.Ecs, 2), t.TaskDefinitionArn));
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsLookupFindsOnlyADeregisteredRevision_RegistersInsteadOfRunningIt()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(flowVersion: 1), 1, null).TaskDefinition.RegisterRequest);
        d.Ecs.DeregisterTaskDefinition(d.Ecs.TaskDefinitions[0].Arn);
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(flowId: OtherFlowId, flowVersion: 5), 1, null).TaskDefinition.RegisterRequest);

        await d.DeployAsync(Run(flowVersion: 1));

        // The tagging API still lists the deregistered revision (like AWS); the original would have run it and failed.
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.Equal(d.Ecs.TaskDefinitions[0].Arn, d.Ecs.Requests[3].Body()["taskDefinition"].Text());
        Assert.Equal(d.Ecs.TaskDefinitions[2].Arn, d.Ecs.Requests[5].Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Theory]
    [InlineData("TaskDefinition is inactive")]
    [InlineData("TaskDefinition not found.")]
    public async Task Deploy_RunTaskRefusesTheDefinition_EnsuresItAgainAndRetriesOnce(string message)
    {
        await using var d = await StartAsync();
        await d.DeployAsync(Run(runId: "run-1"));
        d.Ecs.ClearRequests();
        d.Ecs.InjectFault("RunTask", FakeEcsFault.Error(400, "ClientException", message));

        var result = await d.DeployAsync(Run(runId: "run-2"));

        // The definition is still there (only the answer was refused): the registry checks again and finds it.
        Assert.Equal(["RunTask", "DescribeTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.Equal(Arn(d.Ecs, 1), d.Ecs.Requests[2].Body()["taskDefinition"].Text());
        Assert.Equal(result.TaskArn, d.Ecs.Tasks[^1].TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RunTaskRefusedForAnotherReason_FailsWithoutReEnsuring()
    {
        await using var d = await StartAsync();
        await d.DeployAsync(Run(runId: "run-1"));
        d.Ecs.ClearRequests();
        d.Ecs.InjectFault("RunTask", FakeEcsFault.Error(400, "ClusterNotFoundException", "Cluster not found."));

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => d.DeployAsync(Run(runId: "run-2")));

        Assert.Equal("ClusterNotFoundException", ex.ErrorCode);
        Assert.Equal(["RunTask"], d.Ecs.Operations());
    }

    /// <summary>A user's registry: registers through its own channel (here the fake's in-process API) and caches by family.</summary>
    private sealed class UserRegistry(FakeEcs ecs) : ITaskDefinitionRegistry
    {
        private readonly Dictionary<string, string> cache = new(StringComparer.Ordinal);

        public List<string> Refused { get; } = [];

        public Task<string> EnsureAsync(TaskDefinitionRequest request, CancellationToken cancellationToken)
        {
            lock (cache)
            {
                if (!cache.TryGetValue(request.Family, out var arn))
                {
                    arn = ecs.RegisterTaskDefinition(request.RegisterRequest).Arn;
                    cache[request.Family] = arn;
                }

                return Task.FromResult(arn);
            }
        }

        public Task<string> EnsureAgainAsync(TaskDefinitionRequest request, string refusedTaskDefinition, CancellationToken cancellationToken)
        {
            lock (cache)
            {
                Refused.Add(refusedTaskDefinition);
                cache.Remove(request.Family);
            }

            return EnsureAsync(request, cancellationToken);
        }
    }
}
