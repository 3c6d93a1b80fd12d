using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Cli.Commands;

namespace Prefect.Agent.Fargate.Cli.Tests.Commands;

public class CliApplicationTests
{
    [Fact]
    public async Task InvokeAsync_StartWithEveryFlagAndItems_BuildsTheAgentFromThem()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(
            "start", "-k", "pcu_key", "--tenant-id", "t-1", "-a", "http://127.0.0.1:4200", "--agent-config-id", "cfg",
            "-n", "agent-7", "-l", "b", "--label", "a", "-l", "b", "-e", "A=1", "--env", "B=x=y", "--max-polls", "2",
            "--agent-address", "http://127.0.0.1:8080", "--no-cloud-logs", "--log-level", "warning", "-t", "runner",
            "cpu=256", "--memory=512", "launch_type=EC2", "enable_task_revisions=False");

        Assert.Equal(ExitCodes.Success, code);
        var options = cli.Agent.Options!;
        Assert.Equal("pcu_key", options.ApiKey);
        Assert.Equal("t-1", options.TenantId);
        Assert.Equal(new Uri("http://127.0.0.1:4200"), options.ApiUrl);
        Assert.Equal("cfg", options.AgentConfigId);
        Assert.Equal("agent-7", options.Name);
        Assert.Equal(["a", "b"], options.Labels);
        Assert.Equal("1", options.EnvVars["A"]);
        Assert.Equal("x=y", options.EnvVars["B"]);
        Assert.Equal(2, options.MaxPolls);
        Assert.Equal("http://127.0.0.1:8080", options.AgentAddress);
        Assert.True(options.NoCloudLogs);
        Assert.Equal("runner", options.AgentToken);
        Assert.Equal("256", options.Kwargs["cpu"]!.GetValue<string>());
        Assert.Equal("512", options.Kwargs["memory"]!.GetValue<string>());
        Assert.Equal("EC2", options.LaunchType);
        Assert.False(options.EnableTaskRevisions);
        Assert.Equal(LogLevel.Warning, cli.LoggingLevel);
        Assert.True(cli.Agent.Started);
        Assert.True(cli.Agent.Disposed);
    }

    [Fact]
    public async Task InvokeAsync_LabelFollowedByItem_DoesNotSwallowTheItem()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("start", "-l", "a", "cpu=256", "--no-cloud-logs", "memory=512");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(["a"], cli.Agent.Options!.Labels);
        Assert.Equal("256", cli.Agent.Options.Kwargs["cpu"]!.GetValue<string>());
        Assert.Equal("512", cli.Agent.Options.Kwargs["memory"]!.GetValue<string>());
        Assert.True(cli.Agent.Options.NoCloudLogs);
    }

    [Fact]
    public async Task InvokeAsync_NoFlags_LeavesOptionsUnsetForTheEnvironment()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("start");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Null(cli.Agent.Options!.ApiKey);
        Assert.Null(cli.Agent.Options.NoCloudLogs);
        Assert.Empty(cli.Agent.Options.Labels);
        Assert.Equal(LogLevel.Information, cli.LoggingLevel);
        Assert.Equal("agent", cli.LoggingAgentName);
    }

    [Fact]
    public async Task InvokeAsync_Start_LogsTheBannerWithVersionAndLabels()
    {
        var cli = new CliHarness();

        await cli.RunAsync("start", "-l", "staging", "-l", "aws");

        var banner = cli.LogMessages()[0];
        Assert.Equal($"Starting prefect-fargate-agent {AgentCommandRunner.Version} (labels ['aws', 'staging'])", banner);
        Assert.DoesNotContain("deprecated", string.Join('\n', cli.LogMessages()) + cli.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InvokeAsync_StartWithoutLabels_BannerShowsTheEnvironmentLabels()
    {
        var cli = new CliHarness().WithEnvironment("PREFECT__CLOUD__AGENT__LABELS", "['dev']");

        await cli.RunAsync("start");

        Assert.EndsWith("(labels ['dev'])", cli.LogMessages()[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_SecretsOnTheCommandLine_AreNeverLogged()
    {
        var cli = new CliHarness();

        await cli.RunAsync("start", "-k", "pcu_SECRETKEY", "-t", "RUNNERSECRET", "aws_secret_access_key=AWSSECRET", "--log-level", "DEBUG");

        var everything = string.Join('\n', cli.LogMessages()) + cli.Out + cli.Error;
        Assert.DoesNotContain("SECRETKEY", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("RUNNERSECRET", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("AWSSECRET", everything, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("error", LogLevel.Error)]
    public async Task InvokeAsync_LogLevelFromEnvironment_IsUsedWithoutTheFlag(string value, LogLevel expected)
    {
        var cli = new CliHarness().WithEnvironment("PREFECT__CLOUD__AGENT__LEVEL", value);

        await cli.RunAsync("start");

        Assert.Equal(expected, cli.LoggingLevel);
    }

    [Fact]
    public async Task InvokeAsync_LogLevelFlag_WinsOverTheEnvironment()
    {
        var cli = new CliHarness().WithEnvironment("PREFECT__CLOUD__AGENT__LEVEL", "ERROR");

        await cli.RunAsync("start", "--log-level", "debug");

        Assert.Equal(LogLevel.Debug, cli.LoggingLevel);
    }

    [Fact]
    public async Task InvokeAsync_UnknownLogLevelInEnvironment_WarnsAndUsesInfo()
    {
        var cli = new CliHarness().WithEnvironment("PREFECT__CLOUD__AGENT__LEVEL", "chatty");

        var code = await cli.RunAsync("start");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(LogLevel.Information, cli.LoggingLevel);
        Assert.Contains(cli.LogMessages(), m => m.Contains("'chatty'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokeAsync_AgentNameFromEnvironment_NamesTheLogLines()
    {
        var cli = new CliHarness().WithEnvironment("PREFECT__CLOUD__AGENT__NAME", "env-agent");

        await cli.RunAsync("start");

        Assert.Equal("env-agent", cli.LoggingAgentName);
    }

    [Theory]
    [InlineData("start", "--cpu", "256")]
    [InlineData("start", "-x")]
    [InlineData("validate", "--launch_type", "EC2")]
    public async Task InvokeAsync_UnknownFlagWithoutEquals_ExitsTwoNamingIt(params string[] args)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"Unknown option '{args[1]}'", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, cli.AgentsCreated);
    }

    [Theory]
    [InlineData("--env", "NOVALUE", "'NOVALUE'")]
    [InlineData("--log-level", "loud", "'loud'")]
    [InlineData("--max-polls", "ten", "'ten'")]
    [InlineData("enable_task_revisions=yes", "cpu=1", "enable_task_revisions")]
    [InlineData("subnets", "cpu=1", "'subnets'")]
    public async Task InvokeAsync_BadStartArguments_ExitTwoWithTheProblem(string first, string second, string expected)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("start", first, second);

        Assert.Equal(ExitCodes.Usage, code);
        var error = cli.Error.ToString();
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("Run 'prefect-fargate-agent start --help' for usage.", error, StringComparison.Ordinal);
        Assert.Equal(0, cli.AgentsCreated);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--no-such-flag")]
    public async Task InvokeAsync_UnknownCommand_ExitsTwo(string arg)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(arg);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(arg, cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NoCommand_ExitsTwo()
    {
        var cli = new CliHarness();

        Assert.Equal(ExitCodes.Usage, await cli.RunAsync());
    }

    [Fact]
    public async Task InvokeAsync_AgentFails_ExitsOneWithMessageAndNoStackTrace()
    {
        var cli = new CliHarness(new FakeAgentHandle
        {
            OnStart = _ => throw new InvalidOperationException("Error while contacting API at http://127.0.0.1:4200", new HttpRequestException("Connection refused")),
        });

        var code = await cli.RunAsync("start");

        Assert.Equal(ExitCodes.Failure, code);
        var error = cli.Error.ToString();
        Assert.Contains("error: Error while contacting API at http://127.0.0.1:4200", error, StringComparison.Ordinal);
        Assert.Contains("caused by: Connection refused", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.True(cli.Agent.Disposed);
    }

    [Fact]
    public async Task InvokeAsync_AgentFailsAtDebug_ShowsTheStackTrace()
    {
        var cli = new CliHarness(new FakeAgentHandle { OnStart = _ => throw new InvalidOperationException("boom") });

        var code = await cli.RunAsync("start", "--log-level", "DEBUG");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("   at ", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_AgentConstructionFails_ExitsOneWithoutTheBanner()
    {
        var cli = new CliHarness { AgentFactory = _ => throw new InvalidOperationException("Fargate agent only accepts configuration for a single container definition.") };

        var code = await cli.RunAsync("start", "containerDefinitions=[{}, {}]");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.DoesNotContain(cli.LogMessages(), m => m.StartsWith("Starting prefect-fargate-agent", StringComparison.Ordinal));
        Assert.Contains("error: Fargate agent only accepts configuration for a single container definition.", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_AgentConstructionRejectsOptions_ExitsTwoListingFailures()
    {
        var cli = new CliHarness
        {
            AgentFactory = _ => throw new OptionsValidationException(
                "AgentOptions", typeof(AgentOptions), ["MaxConcurrentDeployments must be at least 1.", "ApiUrl must be absolute."]),
        };

        var code = await cli.RunAsync("start");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("error: MaxConcurrentDeployments must be at least 1.", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("error: ApiUrl must be absolute.", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(cli.LogMessages(), m => m.StartsWith("Starting prefect-fargate-agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokeAsync_StopRequestedWhileRunning_DrainsAndExitsZero()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var drained = false;
        var cli = new CliHarness(new FakeAgentHandle
        {
            OnStart = async token =>
            {
                running.SetResult();
                var stopped = new TaskCompletionSource();
                using (token.Register(() => stopped.SetResult()))
                {
                    await stopped.Task;
                }

                drained = true;
            },
        });
        using var stop = new CancellationTokenSource();

        var invocation = cli.RunAsync(["start"], stop.Token);
        await running.Task;
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await invocation);
        Assert.True(drained);
        Assert.True(cli.Agent.Disposed);
    }

    [Fact]
    public async Task InvokeAsync_AgentThrowsCancellationAfterStop_ExitsZero()
    {
        var cli = new CliHarness(new FakeAgentHandle
        {
            OnStart = async token =>
            {
                var never = new TaskCompletionSource();
                await never.Task.WaitAsync(token);
            },
        });
        using var stop = new CancellationTokenSource();
        stop.CancelAfter(TimeSpan.FromMilliseconds(50));

        var code = await cli.RunAsync(["start"], stop.Token);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Agent stopped", cli.LogMessages());
    }

    [Fact]
    public async Task InvokeAsync_Validate_LeavesTheResultsToTheAgentsLog()
    {
        var cli = new CliHarness(new FakeAgentHandle { OnValidate = _ => Task.FromResult("arn:aws:ecs:eu-west-1:1:task/c/42") });

        var code = await cli.RunAsync("validate", "cpu=256", "memory=512", "cluster=c");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(string.Empty, cli.Out.ToString());
        Assert.Equal("c", cli.Agent.Options!.Kwargs["cluster"]!.GetValue<string>());
        Assert.False(cli.Agent.Started);
    }

    [Fact]
    public async Task InvokeAsync_ValidateFails_ExitsOneWithTheExactFailure()
    {
        var cli = new CliHarness(new FakeAgentHandle
        {
            OnValidate = _ => throw new InvalidOperationException("RegisterTaskDefinition failed: ClientException: Fargate requires that 'cpu' be defined at the task level."),
        });

        var code = await cli.RunAsync("validate");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("error: RegisterTaskDefinition failed: ClientException: Fargate requires that 'cpu' be defined at the task level.", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("successful", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ValidateWithBadItem_ExitsTwo()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("validate", "use_external_kwargs=nope");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Run 'prefect-fargate-agent validate --help'", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DemoWithABadLogLevel_ExitsTwoBeforeStartingAnything()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("demo", "--log-level", "loud");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--log-level: 'loud' is not one of DEBUG, INFO, WARNING, ERROR", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Run 'prefect-fargate-agent demo --help'", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out.ToString());
    }

    [Fact]
    public async Task InvokeAsync_Version_PrintsTheVersion()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("--version");

        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith(AgentCommandRunner.Version, cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_StartHelp_ListsEveryFlagOfTheOriginal()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("start", "--help");

        Assert.Equal(ExitCodes.Success, code);
        var help = cli.Out.ToString();
        foreach (var flag in new[] { "-k, --key", "--tenant-id", "-a, --api", "--agent-config-id", "-n, --name", "-l, --label", "-e, --env", "--max-polls", "--agent-address", "--no-cloud-logs", "--log-level", "-t, --token" })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }

        Assert.Equal(0, cli.AgentsCreated);
        Assert.DoesNotContain("Additional Arguments", help, StringComparison.Ordinal);
        Assert.DoesNotContain("Arguments passed to the application that is being run.", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ValidateHelp_ListsOnlyTheFlagsValidateUses()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("validate", "--help");

        Assert.Equal(ExitCodes.Success, code);
        var help = cli.Out.ToString();
        Assert.Contains("-k, --key", help, StringComparison.Ordinal);
        Assert.Contains("--log-level", help, StringComparison.Ordinal);
        foreach (var flag in new[] { "--max-polls", "--agent-address", "--no-cloud-logs", "Additional Arguments" })
        {
            Assert.DoesNotContain(flag, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_ValidateWithAPollingFlag_ExitsTwoNamingIt()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("validate", "--max-polls", "3");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--max-polls", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, cli.AgentsCreated);
    }
}
