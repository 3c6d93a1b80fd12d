using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Tests.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Deployment;

public class DeploymentPlannerTests
{
    private const string Run = TestRuns.RunId;
    private const string Flow = TestRuns.FlowId;

    private static AgentOptions RepresentativeOptions() => new()
    {
        Backend = PrefectBackend.Server,
        ApiUrl = new Uri("http://localhost:4200/"),
        Labels = ["aws", "staging"],
        EnvVars = new Dictionary<string, string> { ["PREFECT__LOGGING__LEVEL"] = "DEBUG", ["MY"] = "1" },
        NoCloudLogs = true,
        AgentToken = "tok",
    };

    private static JsonObject RepresentativeKwargs() => new()
    {
        ["cpu"] = 256,
        ["memory"] = "512",
        ["tags"] = "[{'key': 'team', 'value': 'data'}]",
        ["cluster"] = "c",
        ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['s-1'], 'assignPublicIp': 'ENABLED'}}",
        ["containerDefinitions"] = "[{'environment': [{'name': 'MY', 'value': 'x'}, {'name': 'OTHER', 'value': 'y'}, {'name': 'PREFECT__BACKEND', 'value': 'z'}], 'logConfiguration': {'logDriver': 'awslogs'}, 'secrets': []}]",
    };

    private static DeploymentPlanner Planner(AgentOptions options, JsonObject? kwargs = null)
        => new(options, KwargsParser.Parse(kwargs ?? [], environment: null));

    [Fact]
    public void Plan_RepresentativeRun_RegisterRequestByteForByte()
    {
        var plan = Planner(RepresentativeOptions(), RepresentativeKwargs()).Plan(TestRuns.Run(), 2, null);

        const string expected = """
        {"family":"prefect-task-a718df81","networkMode":"awsvpc","containerDefinitions":[{"name":"flow","image":"prefecthq/prefect:0.15.0",
        "command":["/bin/sh","-c","prefect execute flow-run"],"environment":[
        {"name":"PREFECT__BACKEND","value":"server"},
        {"name":"PREFECT__CLOUD__API","value":"http://localhost:4200"},
        {"name":"PREFECT__CLOUD__AGENT__LABELS","value":"['aws', 'staging']"},
        {"name":"PREFECT__CLOUD__USE_LOCAL_SECRETS","value":"false"},
        {"name":"PREFECT__CLOUD__SEND_FLOW_RUN_LOGS","value":"false"},
        {"name":"PREFECT__LOGGING__LEVEL","value":"INFO"},
        {"name":"PREFECT__ENGINE__FLOW_RUNNER__DEFAULT_CLASS","value":"prefect.engine.cloud.CloudFlowRunner"},
        {"name":"PREFECT__ENGINE__TASK_RUNNER__DEFAULT_CLASS","value":"prefect.engine.cloud.CloudTaskRunner"},
        {"name":"PREFECT__LOGGING__LOG_TO_CLOUD","value":"false"},
        {"name":"PREFECT__LOGGING__LEVEL","value":"DEBUG"},
        {"name":"MY","value":"1"},
        {"name":"OTHER","value":"y"}],
        "essential":true,"logConfiguration":{"logDriver":"awslogs"}}],
        "cpu":"256","memory":"512","tags":[{"key":"team","value":"data"}],"requiresCompatibilities":["FARGATE"]}
        """;
        Assert.Equal(Json.Normalize(expected), Json.Of(plan.TaskDefinition.RegisterRequest));
        Assert.Equal("prefect-task-a718df81", plan.TaskDefinition.Family);
        Assert.Equal("a718df81", plan.TaskDefinition.FlowId8);
        Assert.Equal(3, plan.TaskDefinition.FlowVersion);
        Assert.False(plan.TaskDefinition.TaskRevisions);
        Assert.Equal("prefecthq/prefect:0.15.0", plan.Image);
        Assert.Equal("prefect execute flow-run", plan.Command);
    }

    [Fact]
    public void Plan_RepresentativeRun_RunTaskByteForByte()
    {
        var plan = Planner(RepresentativeOptions(), RepresentativeKwargs()).Plan(TestRuns.Run(), 2, null);

        var expected = $$"""
        {"overrides":{"containerOverrides":[{"name":"flow","environment":[
        {"name":"PREFECT__CLOUD__AUTH_TOKEN","value":"tok"},
        {"name":"PREFECT__CONTEXT__FLOW_RUN_ID","value":"{{Run}}"},
        {"name":"PREFECT__CONTEXT__FLOW_ID","value":"{{Flow}}"}]}]},
        "tags":[{"key":"team","value":"data"}],"cluster":"c",
        "networkConfiguration":{"awsvpcConfiguration":{"subnets":["s-1"],"assignPublicIp":"ENABLED"} },
        "launchType":"FARGATE","startedBy":"{{Run}}","clientToken":"{{Run}}-2"}
        """;
        Assert.Equal(Json.Normalize(expected), Json.Of(plan.RunTask));
        Assert.False(plan.RunTask.ContainsKey("taskDefinition"));
    }

    [Fact]
    public void Plan_Defaults_CloudBackendApiAndInfoAndTrueLogs_EmptyToken()
    {
        var plan = Planner(new AgentOptions()).Plan(TestRuns.Run(), 1, null);
        var env = Env(plan.TaskDefinition.RegisterRequest);
        Assert.Equal(
            ["PREFECT__BACKEND=cloud", "PREFECT__CLOUD__API=https://api.prefect.io", "PREFECT__CLOUD__AGENT__LABELS=[]", "PREFECT__CLOUD__USE_LOCAL_SECRETS=false",
             "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS=true", "PREFECT__LOGGING__LEVEL=INFO", "PREFECT__ENGINE__FLOW_RUNNER__DEFAULT_CLASS=prefect.engine.cloud.CloudFlowRunner",
             "PREFECT__ENGINE__TASK_RUNNER__DEFAULT_CLASS=prefect.engine.cloud.CloudTaskRunner", "PREFECT__LOGGING__LOG_TO_CLOUD=true"],
            env);
        Assert.Equal("", plan.RunTask["overrides"]!["containerOverrides"]![0]!["environment"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(Json.Normalize("""{"family":"prefect-task-a718df81","networkMode":"awsvpc"}"""), Json.Of(new JsonObject { ["family"] = plan.TaskDefinition.RegisterRequest["family"]!.DeepClone(), ["networkMode"] = plan.TaskDefinition.RegisterRequest["networkMode"]!.DeepClone() }));
    }

    [Fact]
    public void Plan_ServerBackendWithoutUrl_UsesLocalhost()
    {
        var env = Env(Planner(new AgentOptions { Backend = PrefectBackend.Server }).Plan(TestRuns.Run(), 1, null).TaskDefinition.RegisterRequest);
        Assert.Contains("PREFECT__CLOUD__API=http://localhost:4200", env);
    }

    [Fact]
    public void Plan_NetworkModeKwarg_PoppedIntoPlace_LaunchTypeEmpty_NoCompatibilities()
    {
        var plan = Planner(new AgentOptions { LaunchType = "" }, new JsonObject { ["networkMode"] = "bridge", ["cpu"] = "1" }).Plan(TestRuns.Run(), 1, null);
        var body = plan.TaskDefinition.RegisterRequest;
        Assert.Equal(["family", "networkMode", "containerDefinitions", "cpu"], body.Select(p => p.Key));
        Assert.Equal("bridge", body["networkMode"]!.GetValue<string>());
        Assert.False(plan.RunTask.ContainsKey("launchType"));
    }

    [Fact]
    public void Plan_SecretsMountPointsRepositoryCredentials_InOrderWhenTruthy()
    {
        var kwargs = new JsonObject
        {
            ["containerDefinitions"] = "[{'repositoryCredentials': {'credentialsParameter': 'arn:c'}, 'mountPoints': [{'sourceVolume': 'v'}], 'secrets': [{'name': 'S', 'valueFrom': 'arn:s'}], 'logConfiguration': {}}]",
        };
        var container = (JsonObject)Planner(new AgentOptions(), kwargs).Plan(TestRuns.Run(), 1, null).TaskDefinition.RegisterRequest["containerDefinitions"]![0]!;
        Assert.Equal(["name", "image", "command", "environment", "essential", "secrets", "mountPoints", "repositoryCredentials"], container.Select(p => p.Key));
    }

    [Fact]
    public void Plan_AgentKwargs_NeverMutated()
    {
        var parsed = KwargsParser.Parse(RepresentativeKwargs(), environment: null);
        var before = Json.Of(parsed.TaskDefinition) + Json.Of(parsed.Run) + Json.Of(parsed.Container);
        var planner = new DeploymentPlanner(new AgentOptions { EnableTaskRevisions = true }, parsed);
        planner.Plan(TestRuns.Run(), 1, new JsonObject { ["cpu"] = "2048", ["tags"] = "[{'key': 'x', 'value': 'y'}]" });
        planner.Plan(TestRuns.Run(), 1, null);
        Assert.Equal(before, Json.Of(parsed.TaskDefinition) + Json.Of(parsed.Run) + Json.Of(parsed.Container));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("None")]
    public void Plan_NullKwargsFromCliItemsOrAgentOptions_AreNotSet_AtAnyDepth(string literal)
    {
        // As `group=null` and `networkConfiguration={...None...}` reach AgentOptions.Kwargs from the CLI, or a caller's JSON null.
        var kwargs = new JsonObject
        {
            ["group"] = literal,
            ["startedBy"] = null,
            ["networkConfiguration"] = literal == "None"
                ? "{'awsvpcConfiguration': {'subnets': ['s-1'], 'securityGroups': None}}"
                : """{"awsvpcConfiguration": {"subnets": ["s-1"], "securityGroups": null}}""",
            ["tags"] = "[{'key': 'team', 'value': 'data', 'extra': None}]",
            ["containerDefinitions"] = "[{'logConfiguration': {'logDriver': 'awslogs', 'options': None}, 'secrets': None}]",
        };

        var plan = Planner(RepresentativeOptions(), kwargs).Plan(TestRuns.Run(), 2, null);

        Assert.False(plan.RunTask.ContainsKey("group"));
        // startedBy: null is "not set", so the agent's own default (the flow run id) applies.
        Assert.Equal(TestRuns.Run().Id, plan.RunTask["startedBy"]!.GetValue<string>());
        Assert.Equal("""{"awsvpcConfiguration":{"subnets":["s-1"]}}""", Json.Of(plan.RunTask["networkConfiguration"]));
        Assert.Equal("""[{"key":"team","value":"data"}]""", Json.Of(plan.TaskDefinition.RegisterRequest["tags"]));
        Assert.Equal("""{"logDriver":"awslogs"}""", Json.Of(plan.TaskDefinition.RegisterRequest["containerDefinitions"]![0]!["logConfiguration"]));
        Assert.DoesNotContain("null", Json.Of(plan.RunTask), StringComparison.Ordinal);
        Assert.DoesNotContain("null", Json.Of(plan.TaskDefinition.RegisterRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NullExternalKwargs_AreNotSet_TheAgentsValueStays()
    {
        var external = JsonNode.Parse("""
            {"cluster": null, "group": null, "memory": null,
             "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s-2"], "securityGroups": null}}}
            """)!.AsObject();

        var plan = Planner(RepresentativeOptions(), RepresentativeKwargs()).Plan(TestRuns.Run(), 2, external);

        Assert.Equal("c", plan.RunTask["cluster"]!.GetValue<string>());
        Assert.False(plan.RunTask.ContainsKey("group"));
        Assert.Equal("\"512\"", Json.Of(plan.TaskDefinition.RegisterRequest["memory"]));
        Assert.Equal("""{"awsvpcConfiguration":{"subnets":["s-2"]}}""", Json.Of(plan.RunTask["networkConfiguration"]));
    }

    [Fact]
    public void Parse_NullFromAnEnvironmentVariable_IsNotSet()
    {
        var environment = new Dictionary<string, string> { ["group"] = "None", ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['s-1'], 'securityGroups': None}}" };

        var parsed = KwargsParser.Parse([], environment.GetValueOrDefault);

        Assert.False(parsed.Run.ContainsKey("group"));
        Assert.Equal("""{"awsvpcConfiguration":{"subnets":["s-1"]}}""", Json.Of(parsed.Run["networkConfiguration"]));
    }

    [Fact]
    public void Plan_ExternalKwargs_TopLevelReplacePerDictionary()
    {
        var external = JsonNode.Parse("""
            {"memory": 1024, "tags": [{"key": "ext", "value": "1"}], "cluster": "other",
             "containerDefinitions": [{"environment": [{"name": "EXT", "value": "e"}]}], "family": "ignored"}
            """)!.AsObject();
        var plan = Planner(RepresentativeOptions(), RepresentativeKwargs()).Plan(TestRuns.Run(), 2, external);
        var body = plan.TaskDefinition.RegisterRequest;
        Assert.Equal("prefect-task-a718df81", body["family"]!.GetValue<string>());
        Assert.Equal("\"1024\"", Json.Of(body["memory"]));
        Assert.Equal("""[{"key":"ext","value":"1"}]""", Json.Of(body["tags"]));
        Assert.Equal("""[{"key":"ext","value":"1"}]""", Json.Of(plan.RunTask["tags"]));
        Assert.Equal("other", plan.RunTask["cluster"]!.GetValue<string>());
        var env = Env(body);
        Assert.Contains("EXT=e", env);
        Assert.DoesNotContain("OTHER=y", env);
        Assert.Equal(["cpu", "memory", "tags", "requiresCompatibilities"], body.Select(p => p.Key).Skip(3));
        Assert.Equal("""{"logDriver":"awslogs"}""", Json.Of(body["containerDefinitions"]![0]!["logConfiguration"]));
    }

    [Fact]
    public void Plan_ExternalKwargsBreakingARule_FailsWithFlowNamed()
    {
        var ex = Assert.Throws<DeploymentPlanException>(() => Planner(new AgentOptions()).Plan(TestRuns.Run(), 1, new JsonObject { ["containerDefinitions"] = new JsonArray() }));
        Assert.Contains("flow 'flow #1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(KwargsParser.SingleContainerMessage, ex.Message, StringComparison.Ordinal);
        Assert.Throws<DeploymentPlanException>(() => Planner(new AgentOptions()).Plan(TestRuns.Run(), 1, new JsonObject { ["count"] = 2 }));
    }

    [Fact]
    public void Plan_EnvVarsDuplicates_KeptAndContainerEnvironmentFiltered()
    {
        var options = new AgentOptions { EnvVars = new Dictionary<string, string> { ["PREFECT__BACKEND"] = "server", ["A"] = "1" } };
        var kwargs = new JsonObject { ["containerDefinitions"] = "[{'environment': [{'name': 'A', 'value': '2'}, {'name': 'PREFECT__CLOUD__API', 'value': 'x'}, {'name': 'B', 'value': '3'}]}]" };
        var env = Env(Planner(options, kwargs).Plan(TestRuns.Run(), 1, null).TaskDefinition.RegisterRequest);
        Assert.Equal(["PREFECT__BACKEND=server", "A=1", "B=3"], env.Skip(9));
        Assert.Equal("PREFECT__BACKEND=cloud", env[0]);
    }

    [Fact]
    public void Plan_ContainerEnvironmentEntryWithoutName_Fails()
    {
        var kwargs = new JsonObject { ["containerDefinitions"] = "[{'environment': [{'value': '2'}]}]" };
        var ex = Assert.Throws<DeploymentPlanException>(() => Planner(new AgentOptions(), kwargs).Plan(TestRuns.Run(), 1, null));
        Assert.Contains("\"name\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ApiKeyAndTenant_AppendedToOverridesAfterOriginalThree()
    {
        var options = new AgentOptions { ApiKey = "pk_secret", TenantId = "t-1" };
        var plan = Planner(options).Plan(TestRuns.Run(), 1, null);
        var expected = $$"""
            {"containerOverrides":[{"name":"flow","environment":[{"name":"PREFECT__CLOUD__AUTH_TOKEN","value":""},
            {"name":"PREFECT__CONTEXT__FLOW_RUN_ID","value":"{{Run}}"},{"name":"PREFECT__CONTEXT__FLOW_ID","value":"{{Flow}}"},
            {"name":"PREFECT__CLOUD__API_KEY","value":"pk_secret"},{"name":"PREFECT__CLOUD__TENANT_ID","value":"t-1"}]}]}
            """;
        Assert.Equal(Json.Normalize(expected), Json.Of(plan.RunTask["overrides"]));
        Assert.DoesNotContain("pk_secret", Json.Of(plan.TaskDefinition.RegisterRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ApiKeyWithoutTenantOption_GivesTheRegisteredTenant_ByteForByte()
    {
        var options = new AgentOptions { ApiKey = "pk_secret" };
        var plan = Planner(options).Plan(TestRuns.Run(), 1, null, registeredTenantId: "t-registered");
        var expected = $$"""
            {"containerOverrides":[{"name":"flow","environment":[{"name":"PREFECT__CLOUD__AUTH_TOKEN","value":""},
            {"name":"PREFECT__CONTEXT__FLOW_RUN_ID","value":"{{Run}}"},{"name":"PREFECT__CONTEXT__FLOW_ID","value":"{{Flow}}"},
            {"name":"PREFECT__CLOUD__API_KEY","value":"pk_secret"},{"name":"PREFECT__CLOUD__TENANT_ID","value":"t-registered"}]}]}
            """;
        Assert.Equal(Json.Normalize(expected), Json.Of(plan.RunTask["overrides"]));
    }

    [Fact]
    public void Plan_TenantOption_WinsOverTheRegisteredTenant()
    {
        var plan = Planner(new AgentOptions { ApiKey = "pk_secret", TenantId = "t-option" }).Plan(TestRuns.Run(), 1, null, registeredTenantId: "t-registered");

        var overrides = Json.Of(plan.RunTask["overrides"]);
        Assert.Contains("""{"name":"PREFECT__CLOUD__TENANT_ID","value":"t-option"}""", overrides, StringComparison.Ordinal);
        Assert.DoesNotContain("t-registered", overrides, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoApiKey_NoRegisteredTenantInTheContainer()
    {
        var plan = Planner(new AgentOptions { AgentToken = "tok" }).Plan(TestRuns.Run(), 1, null, registeredTenantId: "t-registered");

        Assert.DoesNotContain("PREFECT__CLOUD__TENANT_ID", Json.Of(plan.RunTask["overrides"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ApiKeySecretArnWithoutTenantOption_GivesTheRegisteredTenant()
    {
        var options = new AgentOptions { ApiKeySecretArn = "arn:aws:secretsmanager:eu-west-1:1:secret:k" };
        var plan = Planner(options).Plan(TestRuns.Run(), 1, null, registeredTenantId: "t-registered");

        Assert.Contains("""{"name":"PREFECT__CLOUD__TENANT_ID","value":"t-registered"}""", Json.Of(plan.RunTask["overrides"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ApiKeySecretArn_SecretInDefinitionNotInOverrides()
    {
        var options = new AgentOptions { ApiKey = "pk_secret", ApiKeySecretArn = "arn:aws:secretsmanager:eu-west-1:1:secret:k", TenantId = "t-1" };
        var kwargs = new JsonObject { ["containerDefinitions"] = "[{'secrets': [{'name': 'S', 'valueFrom': 'arn:s'}, {'name': 'PREFECT__CLOUD__API_KEY', 'valueFrom': 'old'}]}]" };
        var plan = Planner(options, kwargs).Plan(TestRuns.Run(), 1, null);
        Assert.Equal(
            """[{"name":"S","valueFrom":"arn:s"},{"name":"PREFECT__CLOUD__API_KEY","valueFrom":"arn:aws:secretsmanager:eu-west-1:1:secret:k"}]""",
            Json.Of(plan.TaskDefinition.RegisterRequest["containerDefinitions"]![0]!["secrets"]));
        var overrides = Json.Of(plan.RunTask["overrides"]);
        Assert.DoesNotContain("pk_secret", overrides, StringComparison.Ordinal);
        Assert.DoesNotContain("PREFECT__CLOUD__API_KEY", overrides, StringComparison.Ordinal);
        Assert.Contains("PREFECT__CLOUD__TENANT_ID", overrides, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ApiKeySecretArn_DropsPlainVariablesOfTheSameName()
    {
        var options = new AgentOptions
        {
            ApiKeySecretArn = "arn:k",
            EnvVars = new Dictionary<string, string> { ["PREFECT__CLOUD__API_KEY"] = "plain", ["A"] = "1" },
        };
        var kwargs = new JsonObject { ["containerDefinitions"] = "[{'environment': [{'name': 'PREFECT__CLOUD__API_KEY', 'value': 'plain2'}]}]" };
        var env = Env(Planner(options, kwargs).Plan(TestRuns.Run(), 1, null).TaskDefinition.RegisterRequest);
        Assert.Equal(["A=1"], env.Skip(9));
    }

    [Fact]
    public void Plan_WithoutApiKeySecretArn_EnvVarsOfAnyNameKept()
    {
        var options = new AgentOptions { EnvVars = new Dictionary<string, string> { ["PREFECT__CLOUD__API_KEY"] = "plain" } };
        var plan = Planner(options).Plan(TestRuns.Run(), 1, null);
        Assert.Equal(["PREFECT__CLOUD__API_KEY=plain"], Env(plan.TaskDefinition.RegisterRequest).Skip(9));
        Assert.False(plan.TaskDefinition.RegisterRequest["containerDefinitions"]![0]!.AsObject().ContainsKey("secrets"));
    }

    [Fact]
    public void Plan_CapacityProviderStrategy_DropsLaunchTypeKeepsCompatibilities()
    {
        var kwargs = new JsonObject { ["capacityProviderStrategy"] = "[{'capacityProvider': 'FARGATE_SPOT', 'weight': 1}]", ["enableExecuteCommand"] = "true" };
        var plan = Planner(new AgentOptions(), kwargs).Plan(TestRuns.Run(), 1, null);
        Assert.False(plan.RunTask.ContainsKey("launchType"));
        Assert.Equal("""[{"capacityProvider":"FARGATE_SPOT","weight":1}]""", Json.Of(plan.RunTask["capacityProviderStrategy"]));
        Assert.Equal("true", Json.Of(plan.RunTask["enableExecuteCommand"]));
        Assert.Equal("""["FARGATE"]""", Json.Of(plan.TaskDefinition.RegisterRequest["requiresCompatibilities"]));
    }

    [Fact]
    public void Plan_EphemeralStorageAndRuntimePlatform_GoToRegisterRequest()
    {
        var kwargs = new JsonObject { ["ephemeralStorage"] = "{'sizeInGiB': 50}", ["runtimePlatform"] = "{\"cpuArchitecture\": \"ARM64\", \"operatingSystemFamily\": \"LINUX\"}" };
        var plan = Planner(new AgentOptions(), kwargs).Plan(TestRuns.Run(), 1, null);
        Assert.Equal("""{"sizeInGiB":50}""", Json.Of(plan.TaskDefinition.RegisterRequest["ephemeralStorage"]));
        Assert.Equal("""{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"}""", Json.Of(plan.TaskDefinition.RegisterRequest["runtimePlatform"]));
        Assert.False(plan.RunTask.ContainsKey("ephemeralStorage"));
    }

    [Fact]
    public void Plan_ImageError_IsThePlanError()
    {
        var run = TestRuns.Run(environment: new JsonObject { ["metadata"] = new JsonObject() });
        Assert.Throws<DeploymentPlanException>(() => Planner(new AgentOptions()).Plan(run, 1, null));
    }

    private static List<string> Env(JsonObject register)
        => register["containerDefinitions"]![0]!["environment"]!.AsArray()
            .Select(e => $"{e!["name"]!.GetValue<string>()}={e["value"]!.GetValue<string>()}").ToList();
}
