using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Tests.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Deployment;

public class DeploymentPlannerFamilyTests
{
    private static DeploymentPlanner Planner(bool revisions, JsonObject? kwargs = null, string? launchType = "FARGATE")
        => new(new AgentOptions { EnableTaskRevisions = revisions, LaunchType = launchType }, KwargsParser.Parse(kwargs ?? [], environment: null));

    [Fact]
    public void Plan_DefaultMode_FamilyFromFlowIdPrefix_NoTagsAdded()
    {
        var plan = Planner(false).Plan(TestRuns.Run(flowName: "ETL: Daily (v2)"), 1, null);
        Assert.Equal("prefect-task-a718df81", plan.TaskDefinition.Family);
        Assert.False(plan.TaskDefinition.RegisterRequest.ContainsKey("tags"));
    }

    [Fact]
    public void Plan_RevisionsMode_SlugFamilyAndTagsAppended()
    {
        var plan = Planner(true).Plan(TestRuns.Run(flowName: "ETL: Daily (v2)", flowVersion: 7), 1, null);
        Assert.Equal("etl-daily-v2", plan.TaskDefinition.Family);
        Assert.True(plan.TaskDefinition.TaskRevisions);
        Assert.Equal("etl-daily-v2", plan.TaskDefinition.RegisterRequest["family"]!.GetValue<string>());
        Assert.Equal("""[{"key":"PrefectFlowId","value":"a718df81"},{"key":"PrefectFlowVersion","value":"7"}]""", Json.Of(plan.TaskDefinition.RegisterRequest["tags"]));
        Assert.False(plan.RunTask.ContainsKey("tags"));
    }

    [Fact]
    public void Plan_RevisionsMode_ExistingTagsUpdatedInPlace_OrderKept_RunTagsUntouched()
    {
        var kwargs = new JsonObject
        {
            ["tags"] = "[{'key': 'PrefectFlowVersion', 'value': 'old'}, {'key': 'team', 'value': 'data'}]",
        };
        var plan = Planner(true, kwargs).Plan(TestRuns.Run(flowVersion: 4), 1, null);
        Assert.Equal(
            """[{"key":"PrefectFlowVersion","value":"4"},{"key":"team","value":"data"},{"key":"PrefectFlowId","value":"a718df81"}]""",
            Json.Of(plan.TaskDefinition.RegisterRequest["tags"]));
        Assert.Equal("""[{"key":"PrefectFlowVersion","value":"old"},{"key":"team","value":"data"}]""", Json.Of(plan.RunTask["tags"]));
    }

    [Fact]
    public void Plan_RevisionsMode_MissingFlowVersion_IsPythonNone()
    {
        var plan = Planner(true).Plan(TestRuns.Run(flowVersion: null), 1, null);
        Assert.Equal("None", plan.TaskDefinition.RegisterRequest["tags"]![1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Plan_RevisionsMode_MalformedTags_Fail()
    {
        var ex = Assert.Throws<DeploymentPlanException>(() => Planner(true, new JsonObject { ["tags"] = "['a']" }).Plan(TestRuns.Run(), 1, null));
        Assert.Contains("key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("北京")]
    public void Plan_RevisionsMode_EmptySlug_FailsNamingFlowAndFix(string name)
    {
        var ex = Assert.Throws<DeploymentPlanException>(() => Planner(true).Plan(TestRuns.Run(flowName: name), 1, null));
        Assert.Contains($"Flow '{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EnableTaskRevisions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RevisionsMode_FamilyOver255_Fails()
    {
        var ex = Assert.Throws<DeploymentPlanException>(() => Planner(true).Plan(TestRuns.Run(flowName: new string('a', 256)), 1, null));
        Assert.Contains("256 characters", ex.Message, StringComparison.Ordinal);
        Assert.Contains("shorten the flow name", ex.Message, StringComparison.Ordinal);
        Assert.Equal(255, Planner(true).Plan(TestRuns.Run(flowName: new string('a', 255)), 1, null).TaskDefinition.Family.Length);
    }

    [Fact]
    public void ClientToken_StablePerVersion_DifferentAcrossVersions_Valid()
    {
        var planner = Planner(false);
        var first = planner.Plan(TestRuns.Run(), 2, null).ClientToken;
        Assert.Equal(first, planner.Plan(TestRuns.Run(), 2, null).RunTask["clientToken"]!.GetValue<string>());
        Assert.NotEqual(first, planner.Plan(TestRuns.Run(), 3, null).ClientToken);
        Assert.True(first.Length <= 64);
        Assert.Matches("^[A-Za-z0-9_-]+$", first);
    }

    [Theory]
    [InlineData("run id with spaces")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void ClientToken_UnusualIds_HashedToValidToken(string id)
    {
        var token = DeploymentPlanner.ClientToken(id, int.MaxValue);
        Assert.Equal(64, token.Length);
        Assert.Matches("^[a-f0-9]+$", token);
        Assert.Equal(token, DeploymentPlanner.ClientToken(id, int.MaxValue));
        Assert.NotEqual(token, DeploymentPlanner.ClientToken(id, 1));
    }

    [Fact]
    public void PlanValidation_BodiesMatchValidateConfiguration()
    {
        var kwargs = new JsonObject
        {
            ["cpu"] = "256", ["memory"] = "512", ["networkMode"] = "awsvpc", ["cluster"] = "c",
            ["containerDefinitions"] = "[{'environment': [{'name': 'A', 'value': '1'}], 'logConfiguration': {'logDriver': 'awslogs'}}]",
        };
        var (register, run) = Planner(false, kwargs).PlanValidation("prefect-test-task-1234abcd");
        const string expectedRegister = """
            {"family":"prefect-test-task-1234abcd","networkMode":"awsvpc","containerDefinitions":[{"name":"test-container","image":"busybox",
            "command":["/bin/sh","-c","echo 'I am alive!'"],"environment":[{"name":"A","value":"1"}],"essential":true,
            "logConfiguration":{"logDriver":"awslogs"}}],"cpu":"256","memory":"512","requiresCompatibilities":["FARGATE"]}
            """;
        Assert.Equal(Json.Normalize(expectedRegister), Json.Of(register));
        Assert.Equal(
            Json.Normalize("""{"taskDefinition":"prefect-test-task-1234abcd","overrides":{"containerOverrides":[]},"cluster":"c","launchType":"FARGATE"}"""),
            Json.Of(run));
    }

    [Fact]
    public void PlanValidation_CapacityProviderStrategy_NoLaunchType()
    {
        var (_, run) = Planner(false, new JsonObject { ["capacityProviderStrategy"] = "[{'capacityProvider': 'FARGATE'}]" }).PlanValidation("prefect-test-task-1");
        Assert.False(run.ContainsKey("launchType"));
        Assert.Equal("""[{"capacityProvider":"FARGATE"}]""", Json.Of(run["capacityProviderStrategy"]));
    }

    [Fact]
    public void PlanValidation_NoLaunchType_NoEnvironment()
    {
        var (register, run) = Planner(false, launchType: null).PlanValidation("prefect-test-task-0");
        Assert.Equal("[]", Json.Of(register["containerDefinitions"]![0]!["environment"]));
        Assert.False(register.ContainsKey("requiresCompatibilities"));
        Assert.False(run.ContainsKey("launchType"));
    }
}
