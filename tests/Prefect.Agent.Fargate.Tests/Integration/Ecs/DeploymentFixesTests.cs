using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// The deliberate fixes of issue 4 over real HTTP: drift, the reuse option, "not found" told apart from throttling and
/// access denied, retries, RunTask failures.
/// </summary>
public sealed class DeploymentFixesTests
{
    private const string DefaultFamily = "prefect-task-a718df81";

    private static string Arn(FakeEcs ecs, int revision) =>
        $"arn:aws:ecs:{ecs.Region}:{ecs.AccountId}:task-definition/{DefaultFamily}:{revision}";

    private static void SetCpu(AgentOptions options, string cpu) => options.Kwargs["cpu"] = cpu;

    [Fact]
    public async Task Deploy_ConfigurationChangedSinceRegistration_RegistersANewRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using (var before = await StartAsync(shared: ecs))
        {
            await before.DeployAsync(Run(runId: "run-before"));
        }

        ecs.ClearRequests();
        await using var after = await StartAsync(o => SetCpu(o, "512"), shared: ecs);

        await after.DeployAsync(Run());

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal("512", ecs.Calls("RegisterTaskDefinition").Single().Body()["cpu"].Text());
        Assert.Equal(Arn(ecs, 2), ecs.Calls("RunTask").Single().Body()["taskDefinition"].Text());
        Assert.Equal(["256", "512"], ecs.TaskDefinitions.Select(t => t.Definition["cpu"].Text()));
        ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ConfigurationUnchanged_RunsTheExistingRevision()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using (var before = await StartAsync(shared: ecs))
        {
            await before.DeployAsync(Run(runId: "run-before"));
        }

        ecs.ClearRequests();
        await using var after = await StartAsync(shared: ecs);

        await after.DeployAsync(Run());

        // What ECS adds on describe (revision, status, container cpu 0, portMappings [], volumes [], ...) is not drift.
        Assert.Equal(0, ecs.TaskDefinitions.Single().Definition["containerDefinitions"]![0]!["cpu"]!.GetValue<int>());
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(Arn(ecs, 1), ecs.Calls("RunTask").Single().Body()["taskDefinition"].Text());
        ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_CpuAndMemoryInVcpuAndGb_AreNotDriftOnceEcsStoredThemAsUnits()
    {
        await using var ecs = await FakeEcs.StartAsync();
        void Size(AgentOptions o) => (o.Kwargs["cpu"], o.Kwargs["memory"]) = ("0.25 vCPU", "0.5 GB");
        await using (var before = await StartAsync(Size, shared: ecs))
        {
            await before.DeployAsync(Run(runId: "run-before"));
        }

        ecs.ClearRequests();
        await using var after = await StartAsync(Size, shared: ecs);

        await after.DeployAsync(Run());

        Assert.Equal(("256", "512"), (ecs.TaskDefinitions.Single().Definition["cpu"].Text(), ecs.TaskDefinitions.Single().Definition["memory"].Text()));
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], ecs.Operations());
        ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ReuseExistingWithChangedConfiguration_RunsTheStaleRevisionLikeTheOriginal()
    {
        await using var ecs = await FakeEcs.StartAsync();
        await using (var before = await StartAsync(shared: ecs))
        {
            await before.DeployAsync(Run(runId: "run-before"));
        }

        ecs.ClearRequests();
        await using var after = await StartAsync(o => { SetCpu(o, "512"); o.ReuseExistingTaskDefinitions = true; }, shared: ecs);

        await after.DeployAsync(Run());

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], ecs.Operations());
        Assert.Equal(Arn(ecs, 1), ecs.Calls("RunTask").Single().Body()["taskDefinition"].Text());
        Assert.Single(ecs.TaskDefinitions);
        ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsNewVersionOfTheSameFlow_RegistersANewRevisionInsteadOfRunningTheOldOne()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(flowVersion: 3, image: "etl:v3"), 1, null).TaskDefinition.RegisterRequest);

        await d.DeployAsync(Run(flowVersion: 4, image: "etl:v4"));

        // The original's "tag id == id8" row ran the family's latest revision: version 3's image for a version 4 run.
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        var revision = d.Ecs.TaskDefinitions[^1];
        Assert.Equal(("etl:v4", "4"), (revision.Definition["containerDefinitions"]![0]!["image"].Text(), revision.Tags["PrefectFlowVersion"]));
        Assert.Equal(revision.Arn, d.Ecs.Calls("RunTask").Single().Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_DescribeThrottledBeyondMaxAttempts_FailsTheRunNamingThrottlingAndRegistersNothing()
    {
        var time = new FakeTimeProvider();
        await using var d = await StartAsync(o => (o.TimeProvider, o.BotocoreConfig) = (time, Retrying(3)));

        // Listed, so described (a family the listing does not name is registered without a describe).
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(), 1, null).TaskDefinition.RegisterRequest);
        d.Ecs.InjectFault("DescribeTaskDefinition", FakeEcsFault.Throttling(), times: 3);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => PumpAsync(d.DeployAsync(Run()), time));

        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Contains("ThrottlingException", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DescribeTaskDefinition", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "DescribeTaskDefinition", "DescribeTaskDefinition"], d.Ecs.Operations());
        Assert.Single(d.Ecs.TaskDefinitions);
        d.Ecs.AssertEveryRequestValid();

        // The failure is not cached: once ECS answers again, the next run describes and starts.
        await PumpAsync(d.DeployAsync(Run(runId: "run-2")), time);
        Assert.Equal(["DescribeTaskDefinition", "RunTask"], d.Ecs.Operations().Skip(4));
    }

    [Theory]
    [InlineData("AccessDeniedException")]
    [InlineData("ThrottlingException")]
    public async Task Deploy_FamilyListingFailsBeyondMaxAttempts_DescribesAndTheRunProceeds(string code)
    {
        var time = new FakeTimeProvider();
        await using var d = await StartAsync(o => (o.TimeProvider, o.BotocoreConfig) = (time, Retrying(3)));
        d.Ecs.InjectFault(
            "ListTaskDefinitionFamilies",
            code == "ThrottlingException" ? FakeEcsFault.Throttling() : FakeEcsFault.AccessDenied(),
            times: 3);

        var result = await PumpAsync(d.DeployAsync(Run()), time);

        // Throttling is retried (3 attempts) and then given up on; access denied is not retried.
        var listings = code == "ThrottlingException" ? 3 : 1;
        Assert.Equal(
            [.. Enumerable.Repeat("ListTaskDefinitionFamilies", listings), "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"],
            d.Ecs.Operations());
        Assert.All(d.Ecs.Calls("ListTaskDefinitionFamilies"), c => Assert.Equal(code, c.ErrorCode));
        Assert.Equal(d.Ecs.Tasks.Single().TaskArn, result.TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_TagLookupThrottledOnce_IsRetriedAndTheRunProceeds()
    {
        var time = new FakeTimeProvider();
        await using var d = await StartAsync(o => (o.EnableTaskRevisions, o.TimeProvider, o.BotocoreConfig) = (true, time, Retrying(3)));
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(flowId: OtherFlowId, flowVersion: 5), 1, null).TaskDefinition.RegisterRequest);
        d.Ecs.InjectFault("GetResources", FakeEcsFault.Throttling());

        await PumpAsync(d.DeployAsync(Run(flowVersion: 1)), time);

        // The tagging API throttles with its own code, ThrottledException.
        Assert.Equal(["ThrottledException", null], d.Ecs.Calls("GetResources").Select(c => c.ErrorCode));
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "GetResources", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_DescribeAccessDenied_FailsTheRunWithoutRetryOrRegistration()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(Run(flowId: OtherFlowId), 1, null).TaskDefinition.RegisterRequest);
        d.Ecs.InjectFault("DescribeTaskDefinition", FakeEcsFault.AccessDenied());

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => d.DeployAsync(Run()));

        Assert.Equal("AccessDeniedException", ex.ErrorCode);
        Assert.Contains("AccessDeniedException", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition"], d.Ecs.Operations());
        Assert.Single(d.Ecs.TaskDefinitions);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RunTaskThrottledTwiceWithThreeAttempts_StartsOneTaskWithThreeSignedAttempts()
    {
        var time = new FakeTimeProvider();
        await using var d = await StartAsync(o => (o.TimeProvider, o.BotocoreConfig) = (time, Retrying(3)));
        d.Ecs.InjectFault("RunTask", FakeEcsFault.Throttling(), times: 2);

        var result = await PumpAsync(d.DeployAsync(Run()), time);

        var attempts = d.Ecs.Calls("RunTask");
        Assert.Equal([400, 400, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal(["ThrottlingException", "ThrottlingException", null], attempts.Select(a => a.ErrorCode));
        Assert.All(attempts, a => Assert.True(a.SignatureValid));
        Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
        Assert.Equal(attempts.Select(a => a.Headers["x-amz-date"]).Order(StringComparer.Ordinal), attempts.Select(a => a.Headers["x-amz-date"]));
        Assert.Equal(result.TaskArn, d.Ecs.Tasks.Single().TaskArn);
        Assert.Equal(2, d.Ecs.ThrottledCount);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RunTaskReportsFailures_ThrowsTaskLaunchExceptionNamingArnReasonAndDetail()
    {
        await using var d = await StartAsync();
        d.Ecs.InjectFault("RunTask", FakeEcsFault.RunTaskFailure("RESOURCE:MEMORY", "No container instance met all of its requirements."));

        var ex = await Assert.ThrowsAsync<TaskLaunchException>(() => d.DeployAsync(Run()));

        var failure = Assert.Single(ex.Failures);
        Assert.Equal(Arn(d.Ecs, 1), failure.Arn);
        Assert.Equal(
            $"ECS RunTask started no task. Failures: arn={Arn(d.Ecs, 1)}, reason=RESOURCE:MEMORY, detail=No container instance met all of its requirements.",
            ex.Message);
        Assert.Empty(d.Ecs.Tasks);
        d.Ecs.AssertEveryRequestValid();
    }

    private static BotocoreConfig Retrying(int maxAttempts) =>

        // The read timeout runs on the pumped fake clock: make it long enough never to fire during a local call.
        new() { MaxAttempts = maxAttempts, ReadTimeout = TimeSpan.FromHours(1) };
}
