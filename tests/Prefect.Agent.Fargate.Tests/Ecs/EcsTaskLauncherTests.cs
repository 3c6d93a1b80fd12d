using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Ecs;
using static Prefect.Agent.Fargate.Tests.Ecs.TaskDefinitions;

namespace Prefect.Agent.Fargate.Tests.Ecs;

public sealed class EcsTaskLauncherTests
{
    private readonly RecordingEcsClient ecs = new();

    [Fact]
    public async Task RunTaskAsync_Started_SendsTheBodyAsGivenAndAnswersTheTaskArn()
    {
        var arn = ecs.Seed(Default().RegisterRequest);
        var body = RunBody(arn);
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);

        var result = await launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = "run-1", Request = body }, CancellationToken.None);

        Assert.StartsWith("arn:aws:ecs:us-east-1:123456789012:task/default/", result.TaskArn, StringComparison.Ordinal);
        var call = Assert.Single(ecs.Calls, c => c.Operation == "RunTask");
        Assert.True(JsonNode.DeepEquals(body, call.Request));
    }

    [Fact]
    public async Task RunTaskAsync_NoTaskStarted_ThrowsWithEveryFailure()
    {
        ecs.RunTaskAnswer = _ => JsonNode.Parse("""
            {"tasks":[],"failures":[
              {"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/ci-1","reason":"RESOURCE:MEMORY","detail":"needs 4096 MiB"},
              {"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/ci-2","reason":"AGENT","detail":"agent disconnected"}]}
            """)!.AsObject();
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<TaskLaunchException>(() => launcher.RunTaskAsync(Request("td:1"), CancellationToken.None));

        Assert.Equal(2, error.Failures.Count);
        Assert.Contains("arn=arn:aws:ecs:us-east-1:123456789012:container-instance/ci-1, reason=RESOURCE:MEMORY, detail=needs 4096 MiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("arn=arn:aws:ecs:us-east-1:123456789012:container-instance/ci-2, reason=AGENT, detail=agent disconnected", error.Message, StringComparison.Ordinal);
        Assert.Equal(new TaskLaunchFailure("arn:aws:ecs:us-east-1:123456789012:container-instance/ci-2", "AGENT", "agent disconnected"), error.Failures[1]);
    }

    [Fact]
    public async Task RunTaskAsync_EmptyTasksWithoutFailures_ThrowsSayingSo()
    {
        ecs.RunTaskAnswer = _ => new JsonObject { ["tasks"] = new JsonArray() };
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<TaskLaunchException>(() => launcher.RunTaskAsync(Request("td:1"), CancellationToken.None));

        Assert.Empty(error.Failures);
        Assert.Contains("reported no failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTaskAsync_MoreThanOneTaskStarted_ThrowsNamingEveryTask()
    {
        ecs.RunTaskAnswer = _ => JsonNode.Parse("""{"tasks":[{"taskArn":"arn:task/1"},{"taskArn":"arn:task/2"}],"failures":[]}""")!.AsObject();
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => launcher.RunTaskAsync(Request("td:1"), CancellationToken.None));

        Assert.Contains("arn:task/1", error.Message, StringComparison.Ordinal);
        Assert.Contains("arn:task/2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTaskAsync_DefinitionDeregistered_ThrowsTaskDefinitionInactiveNamingItWithoutRetrying()
    {
        var arn = ecs.Seed(Default().RegisterRequest);
        ecs.Deregister(arn);
        var launcher = new EcsTaskLauncher(ecs, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<TaskDefinitionInactiveException>(() => launcher.RunTaskAsync(Request(arn), CancellationToken.None));

        // The launcher only reports: the pipeline has the registry (the user's, or the default) ensure it again.
        Assert.Equal(arn, error.TaskDefinition);
        Assert.Equal(DeploymentFaultKind.Permanent, error.Kind);
        Assert.Equal("TaskDefinition is inactive", Assert.IsType<AwsServiceException>(error.InnerException).ErrorMessage);
        Assert.Contains("TaskDefinition is inactive", error.Message, StringComparison.Ordinal);
        Assert.Equal(["RunTask"], ecs.Operations);
    }

    [Fact]
    public async Task EnsureAgainAsync_DefaultRegistry_DropsTheRefusedAnswerAndRegistersAgain()
    {
        using var services = EcsAgentServices.Create(new AgentOptions(), ecs);
        var first = await services.Registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.Deregister(first);
        ecs.ClearCalls();

        var renewed = await services.Registry.EnsureAgainAsync(Default(), first, CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 2), renewed);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
        Assert.Equal(renewed, await services.Registry.EnsureAsync(Default(), CancellationToken.None));
    }

    [Fact]
    public async Task RunTaskAsync_AccessDenied_PropagatesWithoutRetry()
    {
        ecs.FailNext("RunTask", RecordingEcsClient.Error("RunTask", "AccessDeniedException", "not authorized to perform: ecs:RunTask"));
        using var services = EcsAgentServices.Create(new AgentOptions(), ecs);
        var arn = await services.Registry.EnsureAsync(Default(), CancellationToken.None);
        ecs.ClearCalls();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => services.Launcher.RunTaskAsync(Request(arn), CancellationToken.None));

        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Equal(["RunTask"], ecs.Operations);
    }

    [Fact]
    public async Task Create_WithReuseExistingTaskDefinitions_KeepsADriftedDefinition()
    {
        ecs.Seed(Default().RegisterRequest);
        ecs.ClearCalls();
        using var services = EcsAgentServices.Create(new AgentOptions { ReuseExistingTaskDefinitions = true }, ecs);

        var result = await services.Registry.EnsureAsync(
            Default(tweak: body => EcsTaskDefinitionRegistryTests.Change(body, "image")), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["ListTaskDefinitionFamilies", "DescribeTaskDefinition"], ecs.Operations);
    }

    [Fact]
    public async Task Create_ListTaskDefinitionFamiliesOff_DescribesANewFamilyWithoutListing()
    {
        using var services = EcsAgentServices.Create(new AgentOptions { ListTaskDefinitionFamilies = false }, ecs);

        var result = await services.Registry.EnsureAsync(Default(), CancellationToken.None);

        Assert.Equal(Arn("prefect-task-aaaaaaaa", 1), result);
        Assert.Equal(["DescribeTaskDefinition", "RegisterTaskDefinition"], ecs.Operations);
    }

    private static TaskLaunchRequest Request(string taskDefinition) => new() { FlowRunId = "run-1", Request = RunBody(taskDefinition) };

    private static JsonObject RunBody(string taskDefinition) => new()
    {
        ["taskDefinition"] = taskDefinition,
        ["overrides"] = JsonNode.Parse("""
            {"containerOverrides":[{"name":"flow","environment":[{"name":"PREFECT__CONTEXT__FLOW_RUN_ID","value":"run-1"}]}]}
            """),
        ["launchType"] = "FARGATE",
        ["clientToken"] = "token-1",
        ["cluster"] = "flows",
        ["networkConfiguration"] = JsonNode.Parse("""{"awsvpcConfiguration":{"subnets":["subnet-1"],"assignPublicIp":"ENABLED"}}"""),
    };
}
