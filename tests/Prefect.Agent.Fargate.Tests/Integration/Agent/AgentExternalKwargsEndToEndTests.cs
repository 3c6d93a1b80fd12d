using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.S3;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>Issue 5 end to end: per-flow kwargs from a real s3rver reach the ECS requests of a real deployment.</summary>
public sealed class AgentExternalKwargsEndToEndTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    private const string Prefix = "agents/e2e";

    [Fact]
    public async Task StartAsync_OverridesObject_SetsCpuClusterAndEnvironmentAndKeepsTheRest()
    {
        await using var e2e = await StartAsync();
        var run = AddRun(e2e, "Nightly ETL: Sales");
        await s3.PutAsync(
            $"{Prefix}/nightly-etl-sales/{run.FlowId[..8]}.json",
            """{"cpu": "1024", "cluster": "heavy", "containerDefinitions": [{"environment": [{"name": "REPORT_DAY", "value": "monday"}]}]}""");

        await e2e.RunAsync(Options(e2e));

        Assert.Equal("Submitted", run.State);
        var register = AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single());
        Assert.Equal("1024", register["cpu"]!.GetValue<string>());
        Assert.Equal("512", register["memory"]!.GetValue<string>());
        var environment = AgentEndToEnd.EnvironmentOf(register["containerDefinitions"]![0]!["environment"]);
        Assert.Equal("monday", environment["REPORT_DAY"]);
        Assert.Equal("server", environment["PREFECT__BACKEND"]);
        var runTask = AgentEndToEnd.Body(e2e.Calls("RunTask").Single());
        Assert.Equal("heavy", runTask["cluster"]!.GetValue<string>());
        Assert.Equal(AgentEndToEnd.Subnet, runTask["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]![0]!.GetValue<string>());
        Assert.Equal("heavy", Assert.Single(e2e.Ecs.Tasks).Cluster);
        AssertEcsRequestsValid(e2e);
    }

    [Fact]
    public async Task StartAsync_NoOverridesObject_DeploysWithTheAgentsKwargs()
    {
        await using var e2e = await StartAsync();
        var run = AddRun(e2e, "Flow without overrides");

        await e2e.RunAsync(Options(e2e));

        Assert.Equal("Submitted", run.State);
        var register = AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single());
        Assert.Equal("256", register["cpu"]!.GetValue<string>());
        Assert.Equal("prefect", AgentEndToEnd.Body(e2e.Calls("RunTask").Single())["cluster"]!.GetValue<string>());
        AssertEcsRequestsValid(e2e);
    }

    [Fact]
    public async Task StartAsync_OverridesObjectIsInvalidJson_RunFailedNamingBucketKeyAndPosition()
    {
        await using var e2e = await StartAsync();
        var run = AddRun(e2e, "Broken overrides");
        var key = $"{Prefix}/broken-overrides/{run.FlowId[..8]}.json";
        await s3.PutAsync(key, "{\"cpu\": \"1024\",\n \"cluster\": }");

        await e2e.RunAsync(Options(e2e));

        Assert.Equal("Failed", run.State);
        Assert.Contains(S3rverFixture.Bucket, run.StateMessage, StringComparison.Ordinal);
        Assert.Contains(key, run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("line 2", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR" && l.Message == run.StateMessage);
        Assert.Empty(e2e.Ecs.Requests);
    }

    // s3rver only accepts its own keys, and the agent has one set of AWS keys: the fake ECS skips the signature check.
    private static async Task<AgentEndToEnd> StartAsync()
    {
        var e2e = await AgentEndToEnd.StartAsync(ecs: new FakeEcsOptions { RequireSignature = false });
        e2e.Environment["AWS_ACCESS_KEY_ID"] = S3rverFixture.AccessKey;
        e2e.Environment["AWS_SECRET_ACCESS_KEY"] = S3rverFixture.AccessKey;
        return e2e;
    }

    private static FakeFlowRun AddRun(AgentEndToEnd e2e, string flowName) => e2e.AddRun(flowName);

    private AgentOptions Options(AgentEndToEnd e2e)
    {
        var options = e2e.Options();
        options.UseExternalKwargs = true;
        options.ExternalKwargsS3Bucket = S3rverFixture.Bucket;
        options.ExternalKwargsS3Key = Prefix;
        options.S3ServiceUrl = s3.Endpoint;
        options.S3ForcePathStyle = true;
        return options;
    }

    private static void AssertEcsRequestsValid(AgentEndToEnd e2e)
    {
        Assert.Empty(e2e.PrefectErrors());
        foreach (var request in e2e.Ecs.Requests)
        {
            var validation = AwsModels.Ecs.Validate(request.Operation, AgentEndToEnd.Body(request));
            Assert.True(validation.IsValid, $"{request.Operation}: {validation.Report}");
            // Only the lookup of a family not registered yet may be refused (ECS's ClientException).
            Assert.True(
                request.ErrorCode is null || (request.Operation == "DescribeTaskDefinition" && request.ErrorCode == "ClientException"),
                $"{request.Operation} was refused: {request.ErrorCode}");
        }
    }
}
