using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Ecs;
using static Prefect.Agent.Fargate.Tests.Ecs.TaskDefinitions;

namespace Prefect.Agent.Fargate.Tests.Ecs;

/// <summary>
/// Every row of the reference's ECS call table (section 3.9), with the original's reuse behaviour
/// (<c>ReuseExistingTaskDefinitions</c>): the exact operations and bodies. The answer is the revision ARN, not the
/// family name (a deliberate difference: immune to concurrent registrations, item 7).
/// </summary>
public sealed class EcsTaskDefinitionRegistryTableTests
{
    private readonly RecordingEcsClient ecs = new();

    [Fact]
    public async Task EnsureAsync_DefaultModeDescribeFound_UsesExistingWithoutRegistering()
    {
        var request = Default();
        ecs.Seed(request.RegisterRequest);
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        var call = Assert.Single(ecs.Calls);
        Assert.Equal("DescribeTaskDefinition", call.Operation);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"taskDefinition":"prefect-task-aaaaaaaa","include":["TAGS"]}"""), call.Request));
    }

    [Fact]
    public async Task EnsureAsync_DefaultModeDescribeNotFound_RegistersTheRequestBody()
    {
        var request = Default();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(request.RegisterRequest, ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_RevisionsTagIdMatches_UsesExistingWithoutRegistering()
    {
        ecs.Seed(Revisions(FlowA, 3).RegisterRequest);
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, 4), CancellationToken.None);

        Assert.Equal(Arn(Slug, 1), result);
        var call = Assert.Single(ecs.Calls);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"taskDefinition":"my-flow","include":["TAGS"]}"""), call.Request));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public async Task EnsureAsync_RevisionsOtherIdVersionGreaterOrEqual_Registers(int flowVersion)
    {
        ecs.Seed(Revisions(FlowB, 3).RegisterRequest);
        ecs.ClearCalls();
        var request = Revisions(FlowA, flowVersion);
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(request.RegisterRequest, ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_RevisionsOlderVersionLookupHit_UsesTheTaggedRevision()
    {
        ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 1), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"TagFilters":[{"Key":"PrefectFlowId","Values":["aaaaaaaa"]}],"ResourceTypeFilters":["ecs:task-definition"]}"""),
            ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_RevisionsOlderVersionLookupEmpty_Registers()
    {
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources", "RegisterTaskDefinition"], ecs.Operations);
        Assert.Equal(Slug, ecs.Calls[2].Request["family"]!.ToString());
    }

    [Fact]
    public async Task EnsureAsync_RevisionsDescribeNotFound_Registers()
    {
        var request = Revisions(FlowA, 1);
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(request, CancellationToken.None);

        Assert.Equal(Arn(Slug, 1), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(request.RegisterRequest, ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_DescribeAnswerWithoutTags_MeansNoTags()
    {
        // Item 9: the original failed with KeyError('tags'). Untagged = another flow at version 0; version 1 >= 0 registers.
        ecs.Seed(Revisions(FlowA, 1).RegisterRequest);
        ecs.OmitTagsOnDescribe = true;
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FlowWithoutVersion_CountsAsVersionZero()
    {
        // Item 9: the original's None < int raised TypeError. 0 < 2 takes the older-version lookup.
        ecs.Seed(Revisions(FlowB, 2).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry(reuse: true);

        var result = await registry.EnsureAsync(Revisions(FlowA, null), CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["DescribeTaskDefinition", "GetResources", "RegisterTaskDefinition"], ecs.Operations);
    }

    // The original's table is the describe path: the family listing is off here (its own tests: TaskDefinitionFamilyIndexTests).
    private EcsTaskDefinitionRegistry Registry(bool reuse) => new(ecs, reuse, NullLogger.Instance, listFamilies: false);
}
