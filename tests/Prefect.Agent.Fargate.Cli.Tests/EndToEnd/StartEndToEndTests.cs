using System.Net;
using System.Net.Sockets;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Tests.EndToEnd;

/// <summary>
/// <c>start</c> as a user runs it: a child process given the original's flags, trailing items and environment
/// variables, against a fake Prefect Server and a fake ECS.
/// </summary>
public class StartEndToEndTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] EcsSettings =
    [
        "cpu=256", "memory=512", "cluster=demo",
        "networkConfiguration={'awsvpcConfiguration': {'subnets': ['subnet-1'], 'assignPublicIp': 'ENABLED'}}",
    ];

    [Fact]
    public async Task Start_WithTheOriginalsFlagsAndEnvironment_DeploysTheScheduledRuns()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        var runs = new[] { prefect.AddScheduledFlowRun("etl", labels: ["aws"]), prefect.AddScheduledFlowRun("report", labels: ["aws"]) };

        using var child = ChildProcess.StartDotnet(
            ChildProcess.CliAssembly,
            ["start", "--label", "aws", "-l", "e2e", "--max-polls", "3", .. EcsSettings],
            Environment(prefect, ecs));
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(runs, r => Assert.Equal("Submitted", r.State));
        Assert.Equal(2, ecs.Tasks.Count);
        Assert.All(ecs.TaskDefinitions, d =>
        {
            Assert.Equal("256", d.Definition["cpu"]!.GetValue<string>());
            Assert.Equal("512", d.Definition["memory"]!.GetValue<string>());
        });
        var runTasks = ecs.Requests.Where(r => r.Operation == "RunTask").Select(r => r.ParseBody()!).ToList();
        Assert.Equal(2, runTasks.Count);
        Assert.All(runTasks, body =>
        {
            Assert.Equal("demo", body["cluster"]!.GetValue<string>());
            Assert.Equal("FARGATE", body["launchType"]!.GetValue<string>());
            var vpc = body["networkConfiguration"]!["awsvpcConfiguration"]!;
            Assert.Equal("subnet-1", vpc["subnets"]![0]!.GetValue<string>());
            Assert.Equal("ENABLED", vpc["assignPublicIp"]!.GetValue<string>());
        });
        Assert.All(ecs.Requests, r => Assert.True(r.SignatureValid, r.Operation));
        Assert.Equal(["aws", "e2e"], Assert.Single(prefect.Agents).Labels);
        Assert.Contains("Starting prefect-fargate-agent", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(result.Output + result.Error, "Agent stopped"));
        Assert.Contains("Agent stopped after 3 poll(s)", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AgainstTheFakeEcs_PrintsEachResultOnce()
    {
        await using var ecs = await FakeEcs.StartAsync();

        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["validate", .. EcsSettings], Environment(null, ecs));
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.Output + result.Error;
        Assert.Equal(1, Occurrences(output, "Task definition registration successful"));
        Assert.Equal(1, Occurrences(output, "Task run arn:aws:ecs:"));
        Assert.Equal(1, ecs.GetCallCount("RunTask"));
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Start_SigtermDuringADeployment_DrainsItAndExitsZero()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        var run = prefect.AddScheduledFlowRun("slow-launch", labels: ["aws"]);

        // RunTask answers after 3 s: SIGTERM arrives while the deployment is in flight.
        ecs.InjectFault("RunTask", FakeEcsFault.SlowResponse(TimeSpan.FromSeconds(3)));
        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "-l", "aws", .. EcsSettings], Environment(prefect, ecs));
        await child.WaitUntilAsync(() => run.State == "Submitted", ExitTimeout, "the run to be Submitted");
        child.Terminate();
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SIGTERM received! Shutting down...", result.Output + result.Error, StringComparison.Ordinal);
        var task = Assert.Single(ecs.Tasks);
        Assert.Equal("demo", task.Cluster);
        Assert.Equal("Submitted", run.State);
    }

    [Fact]
    public async Task Start_UnreachablePrefectApi_ExitsOneNamingTheProblem()
    {
        await using var ecs = await FakeEcs.StartAsync();
        var closedPort = ClosedPort();
        var environment = new Dictionary<string, string>(Environment(null, ecs)) { ["PREFECT__CLOUD__API"] = $"http://127.0.0.1:{closedPort}/" };

        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "-l", "aws", "--max-polls", "1", .. EcsSettings], environment);
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", result.Error, StringComparison.Ordinal);
        Assert.Empty(ecs.Requests);
    }

    [Theory]
    [InlineData("networkConfiguration={'awsvpcConfiguration': {", null, "Kwarg networkConfiguration (networkConfiguration=) does not fit ECS's RunTask request: Invalid type for parameter networkConfiguration")]
    [InlineData("--cpu=", null, "Kwarg cpu (--cpu=) is empty, and ECS needs a value for it")]
    [InlineData("memory=4096", null, "Kwargs cpu (cpu=) and memory (memory=) are 256 CPU units with 4096 MiB, which Fargate does not offer")]
    [InlineData("cluster=demo", "propagateTags", "Kwarg propagateTags (the environment variable propagateTags) does not fit ECS's RunTask request: Invalid value for parameter propagateTags, value: ALL")]
    public async Task Start_KwargsThatDoNotFitEcs_ExitTwoBeforeAnyCall(string item, string? variable, string expected)
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        prefect.AddScheduledFlowRun("etl", labels: ["aws"]);
        var environment = Environment(prefect, ecs);
        if (variable is not null)
        {
            environment[variable] = "ALL";
        }

        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "-l", "aws", "--max-polls", "1", "cpu=256", item], environment);
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting prefect-fargate-agent", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Empty(prefect.Requests);
        Assert.Empty(ecs.Requests);
    }

    [Theory]
    [InlineData(false, "No AWS credentials were found. Tried: AgentOptions.AwsAccessKeyId")]
    [InlineData(true, "No AWS region is configured")]
    public async Task Start_NoCredentialsOrNoRegion_ExitsTwoBeforeAnyCall(bool credentials, string expected)
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        prefect.AddScheduledFlowRun("etl", labels: ["aws"]);
        var home = Directory.CreateTempSubdirectory("no-aws-");
        try
        {
            var environment = Environment(prefect, ecs);
            environment["HOME"] = home.FullName;
            environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home.FullName, "credentials");
            environment["AWS_CONFIG_FILE"] = Path.Combine(home.FullName, "config");
            environment.Remove(credentials ? "AWS_REGION" : "AWS_ACCESS_KEY_ID");
            environment.Remove(credentials ? "AWS_REGION" : "AWS_SECRET_ACCESS_KEY");

            using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "-l", "aws", "--max-polls", "1", .. EcsSettings], environment);
            var result = await child.WaitForExitAsync(ExitTimeout);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
            Assert.Empty(prefect.Requests);
            Assert.Empty(ecs.Requests);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_BackendFlag_ChoosesPrefectServerWithoutTheVariable()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        var run = prefect.AddScheduledFlowRun("etl", labels: ["aws"]);
        var environment = Environment(prefect, ecs);
        environment.Remove("PREFECT__BACKEND");

        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "--backend", "server", "-l", "aws", "--max-polls", "2", .. EcsSettings], environment);
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Submitted", run.State);
        Assert.Equal("tenant", prefect.Requests[0].Operation);
    }

    [Fact]
    public async Task Start_CloudKeyAgainstPrefectServer_ExitsOneSayingSetTheBackend()
    {
        await using var prefect = await FakePrefectApi.StartAsync();
        await using var ecs = await FakeEcs.StartAsync();
        prefect.AddScheduledFlowRun("etl", labels: ["aws"]);
        var environment = Environment(prefect, ecs);
        environment.Remove("PREFECT__BACKEND");

        using var child = ChildProcess.StartDotnet(ChildProcess.CliAssembly, ["start", "--key", "key-123", "-l", "aws", "--max-polls", "1", .. EcsSettings], environment);
        var result = await child.WaitForExitAsync(ExitTimeout);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("answers like Prefect Server (it has no auth_info): set PREFECT__BACKEND=server (CLI --backend server", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, prefect.CountRequests("set_flow_run_states"));
        Assert.Empty(ecs.Requests);
    }

    private static Dictionary<string, string> Environment(FakePrefectApi? prefect, FakeEcs ecs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PREFECT__BACKEND"] = "server",
            ["AWS_ENDPOINT_URL_ECS"] = ecs.Url.ToString(),
            ["AWS_ACCESS_KEY_ID"] = FakeEcs.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = FakeEcs.SecretAccessKey,
            ["AWS_REGION"] = ecs.Region,
        };
        if (prefect is not null)
        {
            environment["PREFECT__CLOUD__API"] = prefect.Url.ToString();
        }

        return environment;
    }

    private static int ClosedPort()
    {
        // A port that was free a moment ago: nothing listens on it, so connections are refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
