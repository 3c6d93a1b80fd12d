using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Cli.Options;

namespace Prefect.Agent.Fargate.Cli.Tests.Options;

public class AgentLogLevelTests
{
    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("Info", LogLevel.Information)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    public void TryParse_KnownNameInAnyCase_MapsToTheLevel(string text, LogLevel expected)
    {
        Assert.True(AgentLogLevel.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData("verbose")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_Fails(string? text)
    {
        Assert.False(AgentLogLevel.TryParse(text, out _));
    }

    [Fact]
    public void Resolve_NothingSet_IsInfo()
    {
        Assert.Equal(LogLevel.Information, AgentLogLevel.Resolve(null, _ => null, out var ignored));
        Assert.Null(ignored);
    }

    [Fact]
    public void Resolve_FlagAndEnvironment_FlagWins()
    {
        Assert.Equal(LogLevel.Error, AgentLogLevel.Resolve("error", _ => "DEBUG", out _));
    }

    [Fact]
    public void Resolve_UnknownEnvironmentValue_IsInfoAndReported()
    {
        Assert.Equal(LogLevel.Information, AgentLogLevel.Resolve(null, _ => "LOUD", out var ignored));
        Assert.Equal("LOUD", ignored);
    }
}
