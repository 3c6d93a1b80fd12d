using Prefect.Agent.Fargate.Deployment;

namespace Prefect.Agent.Fargate.Tests.Deployment;

public class LooseVersionTests
{
    [Theory]
    [InlineData("0.10.0", "0.13.0", true)]
    [InlineData("0.6.0+134", "0.13.0", true)]
    [InlineData("0.13.0", "0.13.0", false)]
    [InlineData("0.13.1+134", "0.13.0", false)]
    [InlineData("0.15.0", "0.13.0", false)]
    [InlineData("0.13.0rc1", "0.13.0", false)]
    [InlineData("0.13", "0.13.0", true)]
    [InlineData("0.0.0", "0.13.0", true)]
    [InlineData("1.0a", "1.0b", true)]
    public void IsLowerThan_MatchesPython(string a, string b, bool expected)
        => Assert.Equal(expected, LooseVersion.Parse(a).IsLowerThan(LooseVersion.Parse(b)));

    [Theory]
    [InlineData("dev.1", "0.13.0")]
    [InlineData("0.13.0", "0.dev")]
    public void IsLowerThan_NumberAgainstString_IsNotLower(string a, string b)
        => Assert.False(LooseVersion.Parse(a).IsLowerThan(LooseVersion.Parse(b)));
}
