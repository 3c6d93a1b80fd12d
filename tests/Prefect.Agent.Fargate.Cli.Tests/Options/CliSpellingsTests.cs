using Prefect.Agent.Fargate.Cli.Commands;
using Prefect.Agent.Fargate.Cli.Options;
using Prefect.Agent.Fargate.Cli.Tests.Commands;

namespace Prefect.Agent.Fargate.Cli.Tests.Options;

public sealed class CliSpellingsTests
{
    [Theory]
    [InlineData("--agent-address", "http://0.0.0.0", "error: --agent-address must specify a port")]
    [InlineData("agent_address=http://0.0.0.0", null, "error: agent_address must specify a port")]
    public async Task InvokeAsync_AgentRejectsAnOptionTheCommandLineSet_NamesItAsTyped(string first, string? second, string expected)
    {
        var cli = new CliHarness { AgentFactory = options => new FargateAgentHandle(options) };
        string[] args = second is null ? ["start", first] : ["start", first, second];

        var code = await cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        var error = cli.Error.ToString();
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("AgentAddress", error, StringComparison.Ordinal);
        Assert.DoesNotContain(cli.LogMessages(), m => m.StartsWith("Starting prefect-fargate-agent", StringComparison.Ordinal));
    }

    [Fact]
    public void Rewrite_QualifiedPropertyInTheMiddle_IsRenamedWhenTheCommandLineSetIt()
    {
        var rewritten = CliSpellings.Rewrite(
            ["No key: give AgentOptions.ApiKey or AgentOptions.AgentToken."],
            new StartArguments { Key = "pnu_x" });

        Assert.Equal(["No key: give --key or AgentOptions.AgentToken."], rewritten);
    }

    [Fact]
    public void Rewrite_ValueNotFromTheCommandLine_KeepsTheLibrarysWording()
    {
        var rewritten = CliSpellings.Rewrite(["AgentAddress must specify a port, but was 'http://x'."], new StartArguments());

        Assert.Equal(["AgentAddress must specify a port, but was 'http://x'."], rewritten);
    }
}
