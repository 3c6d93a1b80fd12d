using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Ecs;
using static Prefect.Agent.Fargate.Tests.Integration.Ecs.EcsDeployment;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// The environment contract flow containers read (reference 3.6 and 3.7), as the fake received it: the container
/// definition's <c>environment</c> and the RunTask <c>overrides</c>; the API-key fix and the secrets option.
/// </summary>
public sealed class DeploymentEnvironmentTests
{
    private const string ApiKey = "pnu_k3yThatMustNotLeak0123456789";
    private const string SecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prefect-api-key-AbCdEf";
    private const string ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    [Fact]
    public async Task Deploy_EnvironmentContract_ReachesEcsExactly()
    {
        await using var d = await StartAsync(o =>
        {
            o.EnvVars = new Dictionary<string, string>(StringComparer.Ordinal) { ["DATA_BUCKET"] = "s3://bucket/path?x=1&y='2'", ["PREFECT__LOGGING__LEVEL"] = "DEBUG" };
            o.Kwargs["containerDefinitions"] =
                "[{'environment': [{'name': 'PREFECT__BACKEND', 'value': 'evil'}, {'name': 'DATA_BUCKET', 'value': 'dup'}, {'name': 'USER_VAR', 'value': 'ünïcode ✓ \"q\"'}]}]";
        });

        await d.DeployAsync(Run());

        string[] expected =
        [
            "PREFECT__BACKEND=server",
            "PREFECT__CLOUD__API=http://prefect.internal:4200",
            "PREFECT__CLOUD__AGENT__LABELS=['aws', 'staging']",
            "PREFECT__CLOUD__USE_LOCAL_SECRETS=false",
            "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS=true",
            "PREFECT__LOGGING__LEVEL=INFO",
            "PREFECT__ENGINE__FLOW_RUNNER__DEFAULT_CLASS=prefect.engine.cloud.CloudFlowRunner",
            "PREFECT__ENGINE__TASK_RUNNER__DEFAULT_CLASS=prefect.engine.cloud.CloudTaskRunner",
            "PREFECT__LOGGING__LOG_TO_CLOUD=true",

            // Agent env_vars follow without de-duplication (the original's order: flows read the last value).
            "DATA_BUCKET=s3://bucket/path?x=1&y='2'",
            "PREFECT__LOGGING__LEVEL=DEBUG",

            // Container kwargs entries whose name is taken are dropped.
            "USER_VAR=ünïcode ✓ \"q\"",
        ];
        var sent = d.Ecs.Calls("RegisterTaskDefinition").Single().Body()["containerDefinitions"]![0]!;
        Assert.Equal(expected, EcsTraffic.EnvironmentLines(sent["environment"]));
        Assert.Equal(expected, EcsTraffic.EnvironmentLines(d.Ecs.TaskDefinitions.Single().Definition["containerDefinitions"]![0]!["environment"]));
        Assert.Equal(
            $$"""{"name":"flow","image":"{{Image}}","command":["/bin/sh","-c","prefect execute flow-run"]}""",
            new JsonObject { ["name"] = sent["name"]!.DeepClone(), ["image"] = sent["image"]!.DeepClone(), ["command"] = sent["command"]!.DeepClone() }.ToJsonString());
        Assert.True(sent["essential"]!.GetValue<bool>());

        var overrides = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject
            {
                ["name"] = "flow",
                ["environment"] = new JsonArray(
                    Variable("PREFECT__CLOUD__AUTH_TOKEN", "agent-token-1"),
                    Variable("PREFECT__CONTEXT__FLOW_RUN_ID", RunId),
                    Variable("PREFECT__CONTEXT__FLOW_ID", FlowId)),
            }),
        };
        var runTask = d.Ecs.Calls("RunTask").Single();
        Assert.Contains("\"overrides\":" + overrides.ToJsonString(), runTask.Body, StringComparison.Ordinal);
        Assert.Equal(overrides.ToJsonString(), d.Ecs.Tasks.Single().Task["overrides"]!.ToJsonString());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ApiKeyAuthentication_PassesKeyAndTenantAtRunTimeOnlyAndNeverLogsIt()
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using var d = await StartAsync(o => (o.AgentToken, o.ApiKey, o.TenantId, o.LoggerFactory) = (null, ApiKey, "tenant-9", loggerFactory));

        await d.DeployAsync(Run());

        var overrides = d.Ecs.Tasks.Single().Task["overrides"]!["containerOverrides"]![0]!;
        Assert.Equal(
            [
                "PREFECT__CLOUD__AUTH_TOKEN=",
                $"PREFECT__CONTEXT__FLOW_RUN_ID={RunId}",
                $"PREFECT__CONTEXT__FLOW_ID={FlowId}",
                $"PREFECT__CLOUD__API_KEY={ApiKey}",
                "PREFECT__CLOUD__TENANT_ID=tenant-9",
            ],
            EcsTraffic.EnvironmentLines(overrides["environment"]));

        // Not in the task definition (readable by anyone allowed DescribeTaskDefinition), not in any log record.
        Assert.DoesNotContain(ApiKey, d.Ecs.Calls("RegisterTaskDefinition").Single().Body, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, d.Ecs.TaskDefinitions.Single().Definition.ToJsonString(), StringComparison.Ordinal);
        var records = logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.DoesNotContain(ApiKey, r.Message + string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? []), StringComparison.Ordinal));
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ApiKeySecretArn_PutsTheSecretInTheDefinitionAndTheKeyNowhere()
    {
        await using var d = await StartAsync(o =>
        {
            (o.ApiKey, o.ApiKeySecretArn) = (ApiKey, SecretArn);
            o.EnvVars = new Dictionary<string, string>(StringComparer.Ordinal) { [FlowContainer.ApiKeyVariable] = ApiKey };
            o.Kwargs["executionRoleArn"] = ExecutionRole;
            o.Kwargs["containerDefinitions"] =
                "[{'secrets': [{'name': 'DB_PASSWORD', 'valueFrom': 'arn:aws:ssm:us-east-1:123456789012:parameter/db'}, {'name': 'PREFECT__CLOUD__API_KEY', 'valueFrom': 'stale'}]}]";
        });

        await d.DeployAsync(Run());

        var container = d.Ecs.TaskDefinitions.Single().Definition["containerDefinitions"]![0]!;
        Assert.Equal(
            $$"""[{"name":"DB_PASSWORD","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/db"},{"name":"PREFECT__CLOUD__API_KEY","valueFrom":"{{SecretArn}}"}]""",
            container["secrets"]!.ToJsonString());
        Assert.DoesNotContain(EcsTraffic.EnvironmentLines(container["environment"]), l => l.StartsWith(FlowContainer.ApiKeyVariable, StringComparison.Ordinal));
        Assert.Equal(
            ["PREFECT__CLOUD__AUTH_TOKEN=agent-token-1", $"PREFECT__CONTEXT__FLOW_RUN_ID={RunId}", $"PREFECT__CONTEXT__FLOW_ID={FlowId}"],
            EcsTraffic.EnvironmentLines(d.Ecs.Tasks.Single().Task["overrides"]!["containerOverrides"]![0]!["environment"]));
        Assert.All(d.Ecs.Requests, r => Assert.DoesNotContain(ApiKey, r.Body, StringComparison.Ordinal));
        Assert.Equal(ExecutionRole, d.Ecs.TaskDefinitions.Single().Definition["executionRoleArn"].Text());
        d.Ecs.AssertEveryRequestValid();
    }

    [Fact]
    public async Task Deploy_ApiKeySecretArnWithoutExecutionRole_FailsAtRegistrationNamingExecutionRoleArn()
    {
        await using var d = await StartAsync(o => (o.ApiKey, o.ApiKeySecretArn) = (ApiKey, SecretArn));

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => d.DeployAsync(Run()));

        // ECS reads secrets with the task execution role and refuses a definition with secrets but no role.
        Assert.Equal("ClientException", ex.ErrorCode);
        Assert.Contains("executionRoleArn", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, ex.Message, StringComparison.Ordinal);
        Assert.Equal(["ListTaskDefinitionFamilies", "RegisterTaskDefinition"], d.Ecs.Operations());
        Assert.Empty(d.Ecs.TaskDefinitions);
        Assert.Empty(d.Ecs.Tasks);
        d.Ecs.AssertEveryRequestValid();
    }

    private static JsonObject Variable(string name, string value) => new() { ["name"] = name, ["value"] = value };
}
