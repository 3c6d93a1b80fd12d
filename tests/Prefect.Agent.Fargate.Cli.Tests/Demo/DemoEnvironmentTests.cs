using Prefect.Agent.Fargate.Cli.Demo;

namespace Prefect.Agent.Fargate.Cli.Tests.Demo;

public class DemoEnvironmentTests
{
    [Theory]
    [InlineData("AWS_PROFILE", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("AWS_ENDPOINT_URL_ECS", true)]
    [InlineData("PREFECT__CLOUD__API_KEY", true)]
    [InlineData("REGION_NAME", true)]
    [InlineData("cpu", true)]
    [InlineData("networkConfiguration", true)]
    [InlineData("containerDefinitions_logConfiguration", true)]
    [InlineData("PATH", false)]
    [InlineData("HOME", false)]
    [InlineData("CPU", false)]
    [InlineData("DOTNET_ROOT", false)]
    public void IsHidden_Name_HidesOnlyWhatTheAgentWouldRead(string name, bool hidden)
    {
        Assert.Equal(hidden, DemoEnvironment.IsHidden(name));
    }

    [Fact]
    public void Isolate_UserVariables_AreClearedImdsDisabledAndAllRestoredOnDispose()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["AWS_PROFILE"] = "prod",
            ["AWS_SESSION_TOKEN"] = "secret",
            ["PREFECT__CLOUD__AGENT__LABELS"] = "['x']",
            ["memory"] = "8192",
            ["PATH"] = "/usr/bin",
        };
        var original = new Dictionary<string, string?>(env, StringComparer.Ordinal);
        void Set(string name, string? value)
        {
            if (value is null)
            {
                env.Remove(name);
            }
            else
            {
                env[name] = value;
            }
        }

        using (DemoEnvironment.Isolate(env.Keys.ToList(), env.GetValueOrDefault, Set))
        {
            Assert.Equal(new Dictionary<string, string?> { ["PATH"] = "/usr/bin", ["AWS_EC2_METADATA_DISABLED"] = "true" }, env);
        }

        Assert.Equal(original, env);
    }
}
