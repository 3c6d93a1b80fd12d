using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Testing.Ecs;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// Every row of the reference's ECS call table (section 3.9), over real HTTP through the signed client into the fake:
/// the operation sequence and bodies the fake received. The deliberate differences in every row: RunTask names the ARN
/// of the revision found or registered, never the bare family (item 7); the registry first lists the ACTIVE families
/// once (<c>ListTaskDefinitionFamilies</c>), and a family the listing does not name is registered without the
/// original's describe "not found".
/// </summary>
public sealed class DeploymentCallTableTests
{
    private const string DefaultFamily = "prefect-task-a718df81";
    private const string Slug = "etl-flow";

    private static string Arn(FakeEcs ecs, string family, int revision) =>
        $"arn:aws:ecs:{ecs.Region}:{ecs.AccountId}:task-definition/{family}:{revision}";

    private static JsonObject DescribeBody(string taskDefinition) =>
        new() { ["taskDefinition"] = taskDefinition, ["include"] = new JsonArray("TAGS") };

    private static JsonObject ListBody(string? familyPrefix)
    {
        var body = new JsonObject { ["status"] = "ACTIVE", ["maxResults"] = 100 };
        if (familyPrefix is not null)
        {
            body["familyPrefix"] = familyPrefix;
        }

        return body;
    }

    /// <summary>Registers in the fake what <paramref name="d"/>'s planner would register for a run (another agent did it earlier).</summary>
    private static void Seed(EcsDeployment d, FlowRun run) =>
        d.Ecs.RegisterTaskDefinition(d.Planner.Plan(run, 1, null).TaskDefinition.RegisterRequest);

    [Fact]
    public async Task Deploy_DefaultModeDescribeFound_RunsTheFoundRevisionWithoutRegistering()
    {
        await using var d = await StartAsync();
        Seed(d, Run());

        var result = await d.DeployAsync(Run());

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.True(JsonNode.DeepEquals(DescribeBody(DefaultFamily), d.Ecs.Requests[1].Body()));
        Assert.Equal(Arn(d.Ecs, DefaultFamily, 1), d.Ecs.Requests[2].Body()["taskDefinition"].Text());
        Assert.Equal(d.Ecs.Tasks.Single().TaskArn, result.TaskArn);
        Assert.Single(d.Ecs.TaskDefinitions);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_DefaultModeFamilyNotListed_RegistersThePlannedBodyWithoutDescribeAndRunsItsArn()
    {
        await using var d = await StartAsync();
        var plan = d.Planner.Plan(Run(), 2, null);

        var result = await d.LaunchAsync(plan, RunId);

        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        // The family listing stands in for the original's describe "not found": one call for every new family at once.
        var listing = d.Ecs.Requests[0];
        Assert.Equal(200, listing.StatusCode);
        Assert.True(JsonNode.DeepEquals(ListBody("prefect-task-"), listing.Body()));
        Assert.True(JsonNode.DeepEquals(plan.TaskDefinition.RegisterRequest, d.Ecs.Requests[1].Body()));
        Assert.Equal(DefaultFamily, d.Ecs.Requests[1].Body()["family"].Text());
        var runTask = d.Ecs.Requests[2].Body();
        Assert.Equal(Arn(d.Ecs, DefaultFamily, 1), runTask["taskDefinition"].Text());
        Assert.Equal("FARGATE", runTask["launchType"].Text());
        Assert.Equal(plan.ClientToken, runTask["clientToken"].Text());
        Assert.Equal(d.Ecs.Tasks.Single().TaskArn, result.TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsTagIdMatches_RunsTheFoundRevisionWithoutRegistering()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        Seed(d, Run(flowVersion: 3));

        await d.DeployAsync(Run(flowVersion: 3));

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.True(JsonNode.DeepEquals(DescribeBody(Slug), d.Ecs.Requests[1].Body()));
        Assert.Equal(Arn(d.Ecs, Slug, 1), d.Ecs.Requests[2].Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public async Task Deploy_RevisionsOtherFlowIdSameOrOlderVersion_RegistersANewRevisionOfTheSlug(int flowVersion)
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        Seed(d, Run(flowId: OtherFlowId, flowVersion: 5));

        await d.DeployAsync(Run(flowVersion: flowVersion));

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        var register = d.Ecs.Requests[2].Body();
        Assert.Equal(Slug, register["family"].Text());
        Assert.Equal(
            ["PrefectFlowId=a718df81", $"PrefectFlowVersion={flowVersion}"],
            register["tags"]!.AsArray().Select(t => $"{t!["key"].Text()}={t["value"].Text()}"));
        Assert.Equal(Arn(d.Ecs, Slug, 2), d.Ecs.Requests[3].Body()["taskDefinition"].Text());
        Assert.Equal("a718df81", d.Ecs.TaskDefinitions[1].Tags["PrefectFlowId"]);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsOlderVersionLookupHit_RunsTheTaggedRevisionAfterCheckingIt()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        Seed(d, Run(flowVersion: 1));
        Seed(d, Run(flowId: OtherFlowId, flowVersion: 5));

        await d.DeployAsync(Run(flowVersion: 1));

        // The original: describe, get_resources, run the last ARN. Ours describes the candidate first: the tagging API
        // is eventually consistent and lists deregistered revisions.
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "DescribeTaskDefinition", "RunTask"], d.Ecs.Operations());
        var lookup = d.Ecs.Requests[2];
        Assert.Equal("tagging", lookup.Service);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"TagFilters":[{"Key":"PrefectFlowId","Values":["a718df81"]}],"ResourceTypeFilters":["ecs:task-definition"]}"""),
            lookup.Body()));
        Assert.True(JsonNode.DeepEquals(DescribeBody(Arn(d.Ecs, Slug, 1)), d.Ecs.Requests[3].Body()));
        Assert.Equal(Arn(d.Ecs, Slug, 1), d.Ecs.Requests[4].Body()["taskDefinition"].Text());
        Assert.Equal(2, d.Ecs.TaskDefinitions.Count);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsOlderVersionLookupHitWithReuse_RunsTheTaggedRevisionLikeTheOriginal()
    {
        await using var d = await StartAsync(o => (o.EnableTaskRevisions, o.ReuseExistingTaskDefinitions) = (true, true));
        Seed(d, Run(flowVersion: 1));
        Seed(d, Run(flowId: OtherFlowId, flowVersion: 5));

        await d.DeployAsync(Run(flowVersion: 1));

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "RunTask"], d.Ecs.Operations());
        Assert.Equal(Arn(d.Ecs, Slug, 1), d.Ecs.Requests[3].Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsOlderVersionLookupEmpty_RegistersTheSlugAndRunsTheNewRevision()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);
        Seed(d, Run(flowId: OtherFlowId, flowVersion: 5));

        await d.DeployAsync(Run(flowVersion: 1));

        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.Equal((200, "tagging"), (d.Ecs.Requests[2].StatusCode, d.Ecs.Requests[2].Service));
        Assert.Equal(Slug, d.Ecs.Requests[3].Body()["family"].Text());
        Assert.Equal(Arn(d.Ecs, Slug, 2), d.Ecs.Requests[4].Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_RevisionsFamilyNotListed_RegistersTheSlugWithoutDescribe()
    {
        await using var d = await StartAsync(o => o.EnableTaskRevisions = true);

        await d.DeployAsync(Run(flowVersion: 1));

        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.True(JsonNode.DeepEquals(ListBody(null), d.Ecs.Requests[0].Body()));
        Assert.Equal(Slug, d.Ecs.Requests[1].Body()["family"].Text());
        Assert.Equal(Arn(d.Ecs, Slug, 1), d.Ecs.Requests[2].Body()["taskDefinition"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task PlanValidation_TestTask_IsRegisteredAndStartedWithValidRequests()
    {
        await using var d = await StartAsync();
        var (register, runTask) = d.Planner.PlanValidation("prefect-test-task-1a2b3c4d");

        var arn = await d.Services.Registry.EnsureAsync(
            new TaskDefinitionRequest { Family = "prefect-test-task-1a2b3c4d", RegisterRequest = register, FlowId8 = "1a2b3c4d" }, CancellationToken.None);
        var started = await d.Services.Launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = "validation", Request = runTask }, CancellationToken.None);

        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"], d.Ecs.Operations());
        Assert.Equal(Arn(d.Ecs, "prefect-test-task-1a2b3c4d", 1), arn);
        Assert.Equal("busybox", d.Ecs.TaskDefinitions.Single().Definition["containerDefinitions"]![0]!["image"].Text());
        Assert.Equal(started.TaskArn, d.Ecs.Tasks.Single().TaskArn);
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ImageResolutionFails_MakesNoEcsCall()
    {
        await using var d = await StartAsync();
        var run = new FlowRun
        {
            Id = RunId,
            Version = 1,
            Flow = new FlowInfo { Id = FlowId, Name = "legacy", Environment = new JsonObject { ["type"] = "LocalEnvironment", ["metadata"] = new JsonObject() } },
        };

        var ex = await Assert.ThrowsAsync<DeploymentPlanException>(() => d.DeployAsync(run));

        Assert.Contains("is not of type Docker", ex.Message, StringComparison.Ordinal);
        Assert.Empty(d.Ecs.Requests);
    }
}
