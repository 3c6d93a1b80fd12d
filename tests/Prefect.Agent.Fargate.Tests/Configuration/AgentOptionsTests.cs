using Prefect.Agent.Fargate.Configuration;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Configuration;

public sealed class AgentOptionsTests
{
    [Fact]
    public void Constructor_Defaults_MatchTheOriginal()
    {
        var options = new AgentOptions();

        Assert.Equal("FARGATE", options.LaunchType);
        Assert.Null(options.MaxPolls);
        Assert.Empty(options.Labels);
        Assert.Empty(options.EnvVars);
        Assert.Empty(options.Kwargs);
        Assert.Equal(
            [0.25, 0.5, 1, 2, 4, 8, 10],
            options.PollIntervals.Select(i => i.TotalSeconds));
        Assert.Equal(32, options.MaxConcurrentDeployments);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownDrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ApiRequestTimeout);
        Assert.False(options.EnableTaskRevisions);
        Assert.False(options.UseExternalKwargs);
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    [Fact]
    public void Resolve_ChangesToTheCallersOptionsAfterwards_DoNotReachTheSnapshot()
    {
        var options = new AgentOptions { Labels = ["a"], PollIntervals = [TimeSpan.FromSeconds(1)] };
        options.Kwargs["cpu"] = "1024";

        var resolved = AgentEnvironment.Resolve(options, _ => null);
        options.Labels.Add("b");
        options.PollIntervals.Add(TimeSpan.FromSeconds(2));
        options.Kwargs["cpu"] = "2048";
        options.BotocoreConfig.MaxAttempts = 9;

        Assert.Equal(["a"], resolved.Labels);
        Assert.Single(resolved.PollIntervals);
        Assert.Equal("1024", resolved.Kwargs["cpu"]!.GetValue<string>());
        Assert.Equal(3, resolved.BotocoreConfig.MaxAttempts);
    }

    [Fact]
    public void Resolve_EcsSwitches_AreKeptInTheSnapshot()
    {
        var options = new AgentOptions { ListTaskDefinitionFamilies = false, ReuseExistingTaskDefinitions = true };

        var resolved = AgentEnvironment.Resolve(options, _ => null);

        Assert.False(resolved.ListTaskDefinitionFamilies);
        Assert.True(resolved.ReuseExistingTaskDefinitions);
        Assert.True(new AgentOptions().ListTaskDefinitionFamilies);
    }

    [Fact]
    public void Resolve_NeverMutatesTheCallersOptions()
    {
        var options = new AgentOptions();

        var resolved = AgentEnvironment.Resolve(options, name => name == AgentEnvironment.AgentName ? "from-env" : null);

        Assert.Null(options.Name);
        Assert.Null(options.ApiUrl);
        Assert.Equal("from-env", resolved.Name);
        Assert.NotSame(options, resolved);
    }

    [Fact]
    public void Constructor_TheAgentWorksOnASnapshot_LaterChangesAreIgnored()
    {
        var harness = new AgentHarness();
        var options = harness.Options(o => o.Name = "first");
        var agent = harness.Create(options);

        options.Name = "second";
        options.Labels.Add("late");

        Assert.Equal("first", agent.ResolvedOptions.Name);
        Assert.DoesNotContain("late", agent.ResolvedOptions.Labels);
    }
}
