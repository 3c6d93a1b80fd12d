using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Ecs;
using static Prefect.Agent.Fargate.Tests.Ecs.TaskDefinitions;

namespace Prefect.Agent.Fargate.Tests.Ecs;

/// <summary>
/// The registry's family listing: one <c>ListTaskDefinitionFamilies</c> so that a new family costs one ECS call
/// (register) instead of two (describe "not found", register); the describe path for everything the listing cannot
/// vouch for.
/// </summary>
public sealed class TaskDefinitionFamilyIndexTests
{
    private readonly RecordingEcsClient ecs = new();
    private readonly FakeLogCollector logs = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task EnsureAsync_FamilyAbsentFromListing_RegistersWithoutDescribe()
    {
        ecs.Seed(Default(FlowB).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"status":"ACTIVE","maxResults":100,"familyPrefix":"prefect-task-"}"""), ecs.Calls[0].Request));
        Assert.True(JsonNode.DeepEquals(Default().RegisterRequest, ecs.Calls[1].Request));
    }

    [Fact]
    public async Task EnsureAsync_FamilyInListing_DescribesAndReusesTheMatchingRevision()
    {
        ecs.Seed(Default().RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FamilyWithOnlyInactiveRevisions_IsNotListedAndRegistersANewRevision()
    {
        ecs.Deregister(ecs.Seed(Default().RegisterRequest));
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Theory]
    [InlineData("AccessDeniedException", "User is not authorized to perform: ecs:ListTaskDefinitionFamilies")]
    [InlineData("ThrottlingException", "Rate exceeded")]
    public async Task EnsureAsync_ListingFails_DescribesAsBeforeAndWarnsOnce(string code, string message)
    {
        ecs.FailNext("ListTaskDefinitionFamilies", RecordingEcsClient.Error("ListTaskDefinitionFamilies", code, message));
        using var registry = Registry();

        var first = await registry.EnsureAsync(Default(), CancellationToken.None);
        var second = await registry.EnsureAsync(Default(FlowB), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), first);
        Assert.Equal(Arn("prefect-task-bbbbbbbb", 1), second);
        Assert.Equal(
            ["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "RegisterTaskDefinition", "DescribeTaskDefinition", "RegisterTaskDefinition"],
            ecs.Operations);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Equal("TaskDefinitionFamilyListingFailed", warning.Id.Name);
        Assert.Contains(code, warning.Message, StringComparison.Ordinal);
        Assert.Contains("ecs:ListTaskDefinitionFamilies", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureAsync_ListingThrottledTwice_RetriesAfterTheFreshnessWindowWithoutASecondWarning()
    {
        ecs.FailNext("ListTaskDefinitionFamilies", RecordingEcsClient.Error("ListTaskDefinitionFamilies", "ThrottlingException", "Rate exceeded"));
        ecs.FailNext("ListTaskDefinitionFamilies", RecordingEcsClient.Error("ListTaskDefinitionFamilies", "ThrottlingException", "Rate exceeded"));
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);
        time.Advance(TaskDefinitionFamilyIndex.DefaultFreshFor);
        await registry.EnsureAsync(Default(FlowB), CancellationToken.None);
        time.Advance(TaskDefinitionFamilyIndex.DefaultFreshFor);
        ecs.ClearCalls();

        var result = await registry.EnsureAsync(Default("cccccccc"), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-cccccccc", 1), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition"], ecs.Operations);
        Assert.Single(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "TaskDefinitionFamilyListingFailedAgain");
    }

    [Fact]
    public async Task EnsureAsync_AccessDenied_IsNotListedAgainAfterTheFreshnessWindow()
    {
        ecs.FailNext("ListTaskDefinitionFamilies", RecordingEcsClient.Error("ListTaskDefinitionFamilies", "AccessDeniedException", "not authorized"));
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);
        time.Advance(TaskDefinitionFamilyIndex.DefaultFreshFor * 3);
        ecs.ClearCalls();

        await registry.EnsureAsync(Default(FlowB), CancellationToken.None);

        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_ListingOfSeveralPagesWithinTheCap_ReadsEveryPage()
    {
        SeedFamilies(250);
        using var registry = Registry();

        await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(["ListTaskDefinitionFamilies", "ListTaskDefinitionFamilies", "ListTaskDefinitionFamilies", "RegisterTaskDefinition"], ecs.Operations);
        Assert.Null(ecs.Calls[0].Request["nextToken"]);
        Assert.Equal("100", ecs.Calls[1].Request["nextToken"]!.ToString());
        Assert.Equal("200", ecs.Calls[2].Request["nextToken"]!.ToString());
        Assert.All(ecs.Calls.Take(3), c => Assert.Equal("prefect-task-", c.Request["familyPrefix"]!.ToString()));
    }

    [Fact]
    public async Task EnsureAsync_MoreFamiliesThanThePageCap_StopsListingAndDescribes()
    {
        SeedFamilies(301);
        using var registry = Registry();

        var first = await registry.EnsureAsync(Default(), CancellationToken.None);
        var second = await registry.EnsureAsync(Default(FlowB), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), first);
        Assert.Equal(Arn("prefect-task-bbbbbbbb", 1), second);
        Assert.Equal(
            ["ListTaskDefinitionFamilies", "ListTaskDefinitionFamilies", "ListTaskDefinitionFamilies",
                "DescribeTaskDefinition", "RegisterTaskDefinition", "DescribeTaskDefinition", "RegisterTaskDefinition"],
            ecs.Operations);
        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "TaskDefinitionFamilyListingIncomplete");
        Assert.Equal(LogLevel.Information, record.Level);
    }

    [Fact]
    public async Task EnsureAsync_TwentyNewFamiliesAtOnce_ListOnceAndRegisterEachWithoutDescribe()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ecs.Hold = hold.Task;
        using var registry = Registry();

        var calls = new Task<string>[20];
        Parallel.For(0, calls.Length, i => calls[i] = registry.EnsureAsync(Default(Id8(i)), CancellationToken.None));
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        hold.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(20, results.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, ecs.Operations.Count(o => o == "ListTaskDefinitionFamilies"));
        Assert.Equal(20, ecs.Operations.Count(o => o == "RegisterTaskDefinition"));
        Assert.DoesNotContain("DescribeTaskDefinition", ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FamilyThisRegistryResolved_IsDescribedNotRegisteredBlind()
    {
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.ClearCalls();

        // Same family, another configuration: the listing (taken before the registration) must not be trusted.
        var result = await registry.EnsureAsync(Default(tweak: body => Container(body)["image"] = "prefecthq/prefect:0.15.1"), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FamilyRegisteredElsewhereAfterTheListing_RegistersOneMoreRevisionUntilTheListingIsStale()
    {
        using var registry = Registry();
        await registry.EnsureAsync(Default(), CancellationToken.None);

        // Another agent registers two families after this registry listed.
        ecs.Seed(Default(FlowB).RegisterRequest);
        ecs.Seed(Default("cccccccc").RegisterRequest);
        ecs.ClearCalls();
        var stale = await registry.EnsureAsync(Default(FlowB), CancellationToken.None);
        time.Advance(TaskDefinitionFamilyIndex.DefaultFreshFor);
        var fresh = await registry.EnsureAsync(Default("cccccccc"), CancellationToken.None);

        // Within the window: one more (identical, ACTIVE) revision, run by ARN. After it: listed again, found, reused.
        Assert.Equal(Arn("prefect-task-bbbbbbbb", 2), stale);
        Assert.Equal(Arn("prefect-task-cccccccc", 1), fresh);
        Assert.Equal(["RegisterTaskDefinition", "ListTaskDefinitionFamilies", "DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_RevisionsModeSlugNotListed_ListsEveryFamilyAndRegisters()
    {
        using var registry = Registry();

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 1), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition"], ecs.Operations);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"status":"ACTIVE","maxResults":100}"""), ecs.Calls[0].Request));
    }

    [Fact]
    public async Task EnsureAsync_RevisionsModeSlugListed_KeepsTheOriginalsVersionComparison()
    {
        ecs.Seed(Revisions(FlowB, 5).RegisterRequest);
        ecs.ClearCalls();
        using var registry = Registry();

        var result = await registry.EnsureAsync(Revisions(FlowA, 1), CancellationToken.None);

        Assert.Equal(Arn(Slug, 2), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition", "GetResources", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_FamilyOutsideTheAgentsPrefix_IsDescribedWithoutListing()
    {
        using var registry = Registry();
        var request = Default();
        var validation = new TaskDefinitionRequest
        {
            Family = "prefect-test-task-1a2b3c4d",
            RegisterRequest = (JsonObject)request.RegisterRequest.DeepClone(),
            FlowId8 = "1a2b3c4d",
        };
        validation.RegisterRequest["family"] = validation.Family;

        await registry.EnsureAsync(validation, CancellationToken.None);

        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAsync_ListingTurnedOff_DescribesLikeTheOriginal()
    {
        using var registry = new EcsTaskDefinitionRegistry(ecs, reuseExisting: false, new FakeLogger(logs), time, listFamilies: false);

        await registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    private static string Id8(int i) => i.ToString("x8", CultureInfo.InvariantCulture);

    private void SeedFamilies(int count)
    {
        // Sorted before prefect-task-aaaaaaaa, so every page is full of others.
        for (var i = 0; i < count; i++)
        {
            ecs.Seed(Default(Id8(i)).RegisterRequest);
        }

        ecs.ClearCalls();
    }

    private EcsTaskDefinitionRegistry Registry() => new(ecs, reuseExisting: false, new FakeLogger(logs), time);
}
