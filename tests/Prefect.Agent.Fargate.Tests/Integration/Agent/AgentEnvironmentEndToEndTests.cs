using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Integration.Ecs;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// Issue 3's "done when": the agent configured only through the original's environment variables registers, finds
/// the runs for its labels, marks them Submitted, and launches them on ECS with the environment contract.
/// </summary>
public sealed class AgentEnvironmentEndToEndTests
{
    [Fact]
    public async Task StartAsync_ServerFromEnvironment_RegistersSubmitsAndLaunchesOnlyMatchingRuns()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun(labels: ["aws"]);
        var other = e2e.AddRun("GPU flow", labels: ["gpu"]);

        await e2e.RunAsync(e2e.Options(maxPolls: 2));

        var agent = Assert.Single(e2e.Api.Agents);
        Assert.Equal("FargateAgent", agent.Type);
        Assert.Equal("e2e-agent", agent.Name);
        Assert.Equal(["aws", "staging"], agent.Labels);
        AssertSubmittedAndLaunched(e2e, run, agent.Id);

        Assert.Equal("Scheduled", other.State);
        Assert.Empty(other.States);
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == other.Id);

        var environment = AgentEndToEnd.EnvironmentOf(AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single())["containerDefinitions"]![0]!["environment"]);
        Assert.Equal("server", environment["PREFECT__BACKEND"]);
        Assert.Equal(e2e.Api.Url.ToString().TrimEnd('/'), environment["PREFECT__CLOUD__API"]);
        Assert.Equal("['aws', 'staging']", environment["PREFECT__CLOUD__AGENT__LABELS"]);
        Assert.Empty(e2e.PrefectErrors());
        e2e.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task StartAsync_CloudApiKeyFromEnvironment_AuthenticatesWithKeyAndTenant()
    {
        const string Key = "pnu_e2eKeyFromEnvironment000000000000";
        await using var e2e = await AgentEndToEnd.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = Key });
        e2e.Environment.Remove("PREFECT__BACKEND");
        e2e.Environment["PREFECT__CLOUD__API_KEY"] = Key;
        e2e.Environment["PREFECT__CLOUD__TENANT_ID"] = e2e.Api.TenantId;
        var run = e2e.AddRun();

        await e2e.RunAsync(e2e.Options());

        var agent = Assert.Single(e2e.Api.Agents);
        Assert.Equal("FargateAgent", agent.Type);
        Assert.Equal(e2e.Api.TenantId, agent.TenantId);
        AssertSubmittedAndLaunched(e2e, run, agent.Id);
        Assert.All(e2e.Api.Requests, r => Assert.Equal("Bearer " + Key, r.Headers["Authorization"]));
        var overrides = AgentEndToEnd.EnvironmentOf(e2e.Ecs.Tasks.Single().Task["overrides"]!["containerOverrides"]![0]!["environment"]);
        Assert.Equal(Key, overrides["PREFECT__CLOUD__API_KEY"]);
        Assert.Equal(e2e.Api.TenantId, overrides["PREFECT__CLOUD__TENANT_ID"]);
        var environment = AgentEndToEnd.EnvironmentOf(AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single())["containerDefinitions"]![0]!["environment"]);
        Assert.Equal("cloud", environment["PREFECT__BACKEND"]);
        Assert.Empty(e2e.PrefectErrors());
        e2e.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task StartAsync_CloudAgentTokenFromEnvironment_ChecksScopeAndPassesTokenToTheFlow()
    {
        const string Token = "e2e-runner-token-0000000000";
        await using var e2e = await AgentEndToEnd.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudToken, AgentToken = Token });
        e2e.Environment.Remove("PREFECT__BACKEND");
        e2e.Environment["PREFECT__CLOUD__AGENT__AUTH_TOKEN"] = Token;
        var run = e2e.AddRun();

        await e2e.RunAsync(e2e.Options());

        var agent = Assert.Single(e2e.Api.Agents);
        AssertSubmittedAndLaunched(e2e, run, agent.Id);
        Assert.Equal(1, e2e.Api.CountRequests("auth_info"));
        Assert.All(e2e.Api.Requests, r => Assert.Equal("Bearer " + Token, r.Headers["Authorization"]));
        var overrides = AgentEndToEnd.EnvironmentOf(e2e.Ecs.Tasks.Single().Task["overrides"]!["containerOverrides"]![0]!["environment"]);
        Assert.Equal(Token, overrides["PREFECT__CLOUD__AUTH_TOKEN"]);
        Assert.False(overrides.ContainsKey("PREFECT__CLOUD__API_KEY"));
        Assert.Empty(e2e.PrefectErrors());
        e2e.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task StartAsync_AwsRegionAndEndpointOnlyInTheAgentsEnvironment_ReachTheFakeEcs()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.Environment.Remove("REGION_NAME");
        e2e.Environment["AWS_DEFAULT_REGION"] = e2e.Ecs.Region;
        e2e.Environment["AWS_ENDPOINT_URL"] = e2e.Ecs.Url.ToString();
        var run = e2e.AddRun();
        var options = e2e.Options();
        options.EcsServiceUrl = null;
        options.TaggingServiceUrl = null;

        await e2e.RunAsync(options);

        AssertSubmittedAndLaunched(e2e, run, Assert.Single(e2e.Api.Agents).Id);
        e2e.Ecs.AssertEveryRequestValid();
    }

    private static void AssertSubmittedAndLaunched(AgentEndToEnd e2e, FakeFlowRun run, string agentId)
    {
        Assert.Equal("Submitted", run.State);
        var submitted = Assert.Single(run.States);
        Assert.Equal("Submitted", submitted.Type);
        Assert.Equal("Scheduled", submitted.SerializedState["state"]!["type"]!.GetValue<string>());
        Assert.Equal(3, submitted.Version);
        Assert.Equal(agentId, run.AgentId);

        var task = Assert.Single(e2e.Ecs.Tasks);
        var log = Assert.Single(e2e.Api.Logs, l => l.FlowRunId == run.Id);
        Assert.Equal("INFO", log.Level);
        Assert.Equal("Submitted for execution: Task ARN: " + task.TaskArn, log.Message);
        Assert.StartsWith("arn:aws:ecs:" + e2e.Ecs.Region + ":", task.TaskArn, StringComparison.Ordinal);
        Assert.Equal("prefect", task.Cluster);

        var register = AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single());
        Assert.Equal("256", register["cpu"]!.GetValue<string>());
        Assert.Equal("512", register["memory"]!.GetValue<string>());
        Assert.Equal(AgentEndToEnd.Image, register["containerDefinitions"]![0]!["image"]!.GetValue<string>());

        var runTask = AgentEndToEnd.Body(e2e.Calls("RunTask").Single());
        Assert.Equal("prefect", runTask["cluster"]!.GetValue<string>());
        Assert.Equal(AgentEndToEnd.Subnet, runTask["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]![0]!.GetValue<string>());
        Assert.Equal("FARGATE", runTask["launchType"]!.GetValue<string>());
        var overrides = AgentEndToEnd.EnvironmentOf(runTask["overrides"]!["containerOverrides"]![0]!["environment"]);
        Assert.Equal(run.Id, overrides["PREFECT__CONTEXT__FLOW_RUN_ID"]);
        Assert.Equal(run.FlowId, overrides["PREFECT__CONTEXT__FLOW_ID"]);
        Assert.Equal(task.TaskDefinitionArn, runTask["taskDefinition"]!.GetValue<string>());
    }
}
