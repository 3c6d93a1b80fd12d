using Prefect.Agent.Fargate.Cli.Commands;
using Prefect.Agent.Fargate.Cli.Demo;
using Prefect.Agent.Fargate.Cli.Tests.Commands;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Tests.Demo;

// The demo runs the real agent, which reads the process environment, and hides the user's AWS/Prefect variables while
// it runs: these tests own the environment.
[Collection(ProcessEnvironmentCollection.Name)]
public class DemoCommandTests
{
    [Fact]
    public async Task InvokeAsync_Demo_SubmitsEveryRunAndPrintsTheFinalTable()
    {
        FakePrefectApi? prefect = null;
        FakeEcs? ecs = null;
        var cli = new CliHarness { DemoScenario = new DemoScenario { ConfigureFakes = (p, e) => (prefect, ecs) = (p, e) } };

        var code = await cli.RunAsync("demo");

        var output = cli.Out.ToString();
        Assert.True(code == ExitCodes.Success, output + cli.Error);
        Assert.Equal(7, prefect!.FlowRuns.Count);
        Assert.Equal(6, prefect.FlowRuns.Count(r => r.State == "Submitted"));
        Assert.Equal(7, ecs!.Tasks.Count);
        Assert.Equal(4, ecs.TaskDefinitions.Count);
        Assert.Contains("[####################] 7/7 flow runs submitted", output, StringComparison.Ordinal);
        Assert.Contains("flow run", output, StringComparison.Ordinal);
        Assert.Contains("task definition", output, StringComparison.Ordinal);
        Assert.Contains("final state", output, StringComparison.Ordinal);
        Assert.Contains("reason", output, StringComparison.Ordinal);
        Assert.Contains("7 flow runs: 1 Failed, 6 Submitted", output, StringComparison.Ordinal);
        foreach (var task in ecs.Tasks.Where(t => t.Task["startedBy"]!.GetValue<string>() != Broken(prefect).Id))
        {
            var row = output.Split('\n').Single(l => l.Contains(task.TaskArn, StringComparison.Ordinal));
            Assert.Contains(DemoResults.FamilyAndRevision(task.TaskDefinitionArn), row, StringComparison.Ordinal);
            Assert.EndsWith("Submitted", row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_Demo_TheFlowWhoseImageCannotBePulledEndsFailedWithEcsReason()
    {
        FakePrefectApi? prefect = null;
        FakeEcs? ecs = null;
        var cli = new CliHarness { DemoScenario = new DemoScenario { ConfigureFakes = (p, e) => (prefect, ecs) = (p, e) } };

        var code = await cli.RunAsync("demo");

        var output = cli.Out.ToString();
        Assert.True(code == ExitCodes.Success, output + cli.Error);
        var broken = Broken(prefect!);
        Assert.Equal(["Submitted", "Failed"], broken.States.Select(s => s.Type));
        var task = Assert.Single(ecs!.Tasks, t => t.Task["startedBy"]!.GetValue<string>() == broken.Id);
        Assert.Contains(task.TaskArn, broken.StateMessage, StringComparison.Ordinal);
        Assert.Contains("Stop code: TaskFailedToStart", broken.StateMessage, StringComparison.Ordinal);
        Assert.Contains("CannotPullContainerError", broken.StateMessage, StringComparison.Ordinal);
        var row = output.Split('\n').Single(l => l.Contains(task.TaskArn, StringComparison.Ordinal));
        Assert.StartsWith("nightly-report-1", row, StringComparison.Ordinal);
        Assert.Matches(@"\sFailed\s+TaskFailedToStart: CannotPullContainerError: ", row);
        Assert.EndsWith("failed to resolve ref " + DemoScenario.MissingImage + ": not found", row, StringComparison.Ordinal);
        Assert.Contains(prefect!.Logs, l => l.FlowRunId == broken.Id && l.Level == "ERROR" && l.Message == broken.StateMessage);
    }

    [Fact]
    public async Task InvokeAsync_DemoWhenTheFailingTaskIsNeverReported_ExitsOneSayingSo()
    {
        // The task watch off: the broken flow's run stays Submitted, and the demo must not pass for it.
        var cli = new CliHarness
        {
            DemoScenario = new DemoScenario
            {
                Runs = [new DemoFlowRun("nightly-report", TimeSpan.Zero, Image: DemoScenario.MissingImage, FailsToStart: true)],
                Timeout = TimeSpan.FromSeconds(4),
                ConfigureAgent = o => o.TaskWatchInterval = TimeSpan.Zero,
            },
        };

        var code = await cli.RunAsync("demo");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("still waiting for nightly-report-1", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_Demo_LaunchesWithTheRealisticSettingsAndEachFlowsImage()
    {
        FakeEcs? ecs = null;
        var cli = new CliHarness { DemoScenario = new DemoScenario { ConfigureFakes = (_, e) => ecs = e } };

        var code = await cli.RunAsync("demo");

        Assert.True(code == ExitCodes.Success, cli.Out.ToString() + cli.Error);
        var images = ecs!.TaskDefinitions.Select(d => d.Definition["containerDefinitions"]![0]!["image"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-orders:1.4.2", images);
        Assert.Contains("registry.example.com/flows/train-model:2026-11-27t12-00-00", images);
        Assert.All(ecs.TaskDefinitions, d => Assert.Equal("256", d.Definition["cpu"]!.GetValue<string>()));
        Assert.All(ecs.Tasks, t => Assert.Equal("prefect-demo", t.Cluster));
        var runTask = ecs.Requests.First(r => r.Operation == "RunTask").ParseBody()!;
        Assert.Equal("ENABLED", runTask["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"]!.GetValue<string>());
        Assert.All(ecs.Requests, r => Assert.True(r.SignatureValid, r.Operation));
    }

    [Fact]
    public async Task InvokeAsync_DemoOnATerminal_UpdatesTheProgressLineInPlace()
    {
        var cli = new CliHarness { OutputIsTerminal = true };

        var code = await cli.RunAsync("demo");

        var output = cli.Out.ToString();
        Assert.True(code == ExitCodes.Success, output + cli.Error);
        Assert.Contains("\r[####################] 7/7 flow runs submitted\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("submitted\n[", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DemoLeftOutOfTheBuild_ExitsOneSayingHowToGetIt()
    {
        var started = false;
        var cli = new CliHarness { DemoIncluded = false, DemoScenario = new DemoScenario { ConfigureFakes = (_, _) => started = true } };

        var code = await cli.RunAsync("demo");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.False(started, "no fake was started");
        Assert.Contains("leaves the demo out", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("dotnet tool install --global Prefect.Agent.Fargate.Cli", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("-p:IncludeDemo=true", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DemoWithARunNoAgentServes_TimesOutWithExitOneAndTheReason()
    {
        var cli = new CliHarness
        {
            DemoScenario = new DemoScenario
            {
                Runs = [new DemoFlowRun("hello-world", TimeSpan.Zero)],
                Timeout = TimeSpan.FromSeconds(2),
                ConfigureFakes = (prefect, _) => prefect.AddFlowRun(new FakeFlowRunOptions { FlowName = "gpu-job", Name = "gpu-job-1", Labels = ["gpu"] }),
            },
        };

        var code = await cli.RunAsync("demo");

        Assert.Equal(ExitCodes.Failure, code);
        var error = cli.Error.ToString();
        Assert.Contains("error: demo failed: timed out after 2 s with 1 of 2 flow runs submitted; still waiting for gpu-job-1", error, StringComparison.Ordinal);
        Assert.Matches(@"gpu-job-1 \([0-9a-f]{8}\)\s+-\s+-\s+Scheduled", cli.Out.ToString());
    }

    [Fact]
    public async Task InvokeAsync_DemoWhenEcsRefusesEveryTask_ExitsOneWithTheFailedRuns()
    {
        var cli = new CliHarness
        {
            DemoScenario = new DemoScenario
            {
                Runs = [new DemoFlowRun("hello-world", TimeSpan.Zero)],
                ConfigureFakes = (_, ecs) => ecs.InjectFault("RunTask", FakeEcsFault.RunTaskFailure("ATTRIBUTE"), times: 10),
            },
        };

        var code = await cli.RunAsync("demo");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("1 flow run: 1 Failed", cli.Out.ToString(), StringComparison.Ordinal);
        var error = cli.Error.ToString();
        Assert.Contains("1 of 1 flow runs were not submitted; hello-world-1", error, StringComparison.Ordinal);
        Assert.Contains("is Failed", error, StringComparison.Ordinal);
        Assert.Contains("ATTRIBUTE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DemoWithTheUsersAwsAndPrefectEnvironment_IgnoresItAndRestoresIt()
    {
        string[] names = ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_ECS", "AWS_REGION", "PREFECT__CLOUD__AGENT__AGENT_ADDRESS", "PREFECT__CLOUD__AGENT__LABELS", "cpu", "containerDefinitions_secrets"];
        var before = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        FakeEcs? ecs = null;
        try
        {
            Environment.SetEnvironmentVariable("AWS_PROFILE", "does-not-exist");
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "user-session-token");
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:9/");
            Environment.SetEnvironmentVariable("AWS_REGION", "eu-west-3");
            Environment.SetEnvironmentVariable("PREFECT__CLOUD__AGENT__AGENT_ADDRESS", "not a url");
            Environment.SetEnvironmentVariable("PREFECT__CLOUD__AGENT__LABELS", "['elsewhere']");
            Environment.SetEnvironmentVariable("cpu", "4096");
            Environment.SetEnvironmentVariable("containerDefinitions_secrets", "[{'name': 'X', 'valueFrom': 'arn:aws:ssm:eu-west-3:1:parameter/x'}]");
            var cli = new CliHarness { DemoScenario = new DemoScenario { Runs = [new DemoFlowRun("hello-world", TimeSpan.Zero)], ConfigureFakes = (_, e) => ecs = e } };

            var code = await cli.RunAsync("demo");

            Assert.True(code == ExitCodes.Success, cli.Out.ToString() + cli.Error);
            Assert.Equal("user-session-token", Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
            Assert.Equal("4096", Environment.GetEnvironmentVariable("cpu"));
            var definition = Assert.Single(ecs!.TaskDefinitions).Definition;
            Assert.Equal("256", definition["cpu"]!.GetValue<string>());
            Assert.Null(definition["containerDefinitions"]![0]!["secrets"]);
            Assert.All(ecs.Requests, r => Assert.False(r.Headers.ContainsKey("x-amz-security-token"), r.Operation));
        }
        finally
        {
            foreach (var (name, value) in before)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    private static FakeFlowRun Broken(FakePrefectApi prefect) => prefect.FlowRuns.Single(r => r.FlowName == "nightly-report");
}
