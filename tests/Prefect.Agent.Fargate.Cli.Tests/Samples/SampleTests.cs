using System.Reflection;
using Prefect.Agent.Fargate.Cli.Tests.EndToEnd;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Tests.Samples;

/// <summary>
/// Runs the two samples, as built with the solution, against a fake Prefect Server and a fake ECS: what the README shows
/// really launches flow runs.
/// </summary>
public class SampleTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DirectUse_PointedAtTheFakes_SubmitsTheScheduledRuns()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        var runs = new[] { prefect.AddScheduledFlowRun("etl", labels: ["aws"]), prefect.AddScheduledFlowRun("report", labels: ["fargate"]) };

        // The sample's documented arguments: [prefect-api-url] [ecs-endpoint-url] [max-polls]; credentials from the environment.
        using var child = ChildProcess.StartDotnet(
            SampleAssembly("DirectUse"),
            [prefect.Url.ToString(), ecs.Url.ToString(), "3"],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PREFECT__BACKEND"] = "server",
                ["AWS_ACCESS_KEY_ID"] = FakeEcs.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = FakeEcs.SecretAccessKey,
                ["AWS_REGION"] = ecs.Region,
            });
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertLaunched(runs, ecs, cluster: "prefect");
    }

    [Fact]
    public async Task HostedAgent_PointedAtTheFakesByEnvironment_SubmitsTheScheduledRuns()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        var runs = new[] { prefect.AddScheduledFlowRun("etl", labels: ["aws"]), prefect.AddScheduledFlowRun("report", labels: ["fargate"]) };

        // appsettings.json points at Prefect Cloud and real AWS: the environment overrides it, as the sample documents.
        using var child = ChildProcess.StartDotnet(
            SampleAssembly("HostedAgent"),
            [],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["FargateAgent__ApiUrl"] = prefect.Url.ToString(),
                ["FargateAgent__Backend"] = "Server",
                ["FargateAgent__EcsServiceUrl"] = ecs.Url.ToString(),
                ["FargateAgent__RegionName"] = ecs.Region,
                ["FargateAgent__AwsAccessKeyId"] = FakeEcs.AccessKeyId,
                ["FargateAgent__AwsSecretAccessKey"] = FakeEcs.SecretAccessKey,
                ["FargateAgent__AgentAddress"] = string.Empty,
                ["FargateAgent__MaxPolls"] = "3",
            });

        // After MaxPolls the agent stops, and with it the host, as the sample documents.
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("finished (max polls reached); stopping the host", result.Output, StringComparison.Ordinal);
        AssertLaunched(runs, ecs, cluster: "prefect");
    }

    [Fact]
    public async Task HostedAgent_WithoutAKey_ExitsNonZeroLoggingTheErrorOnce()
    {
        await using var prefect = await FakePrefectApi.StartAsync();

        // appsettings.json says Backend Cloud: without a key the agent fails at start, before any call.
        using var child = ChildProcess.StartDotnet(
            SampleAssembly("HostedAgent"),
            [],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["FargateAgent__ApiUrl"] = prefect.Url.ToString(),
                ["FargateAgent__AgentAddress"] = string.Empty,
                ["PREFECT__CLOUD__API_KEY"] = string.Empty,
                ["PREFECT__CLOUD__AGENT__AUTH_TOKEN"] = string.Empty,
                ["AWS_ACCESS_KEY_ID"] = FakeEcs.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = FakeEcs.SecretAccessKey,
            });
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 1, result.ToString());
        var output = result.Output + result.Error;
        Assert.Contains("stopped with a fatal error; stopping the host (exit code 1)", output, StringComparison.Ordinal);
        Assert.Contains("API key", output, StringComparison.Ordinal);
        Assert.DoesNotContain("BackgroundService failed", output, StringComparison.Ordinal);
        Assert.Empty(prefect.Requests);
    }

    private static void AssertLaunched(FakeFlowRun[] runs, FakeEcs ecs, string cluster)
    {
        Assert.All(runs, r => Assert.Equal("Submitted", r.State));
        Assert.Equal(2, ecs.GetCallCount("RunTask"));
        Assert.Equal(2, ecs.Tasks.Count);
        Assert.All(ecs.Tasks, t => Assert.Equal(cluster, t.Cluster));
        Assert.All(ecs.Requests, r => Assert.True(r.SignatureValid, r.Operation));
    }

    private static string SampleAssembly(string name)
    {
        var configuration = typeof(SampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SamplesConfiguration").Value!;
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Prefect.Agent.Fargate.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Prefect.Agent.Fargate.sln not found above " + AppContext.BaseDirectory);
        }

        var path = Path.Combine(root, "samples", name, "bin", configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: the samples are built with the test project (ProjectReference).");
        return path;
    }
}
