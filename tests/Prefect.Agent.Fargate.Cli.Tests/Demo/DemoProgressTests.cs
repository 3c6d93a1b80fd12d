using Prefect.Agent.Fargate.Cli.Demo;

namespace Prefect.Agent.Fargate.Cli.Tests.Demo;

public class DemoProgressTests
{
    [Theory]
    [InlineData(0, 5, "[--------------------] 0/5 flow runs launched")]
    [InlineData(2, 5, "[########------------] 2/5 flow runs launched")]
    [InlineData(5, 5, "[####################] 5/5 flow runs launched")]
    [InlineData(7, 5, "[####################] 5/5 flow runs launched")]
    [InlineData(0, 0, "[####################] 0/0 flow runs launched")]
    [InlineData(1, 1, "[####################] 1/1 flow run launched")]
    public void Render_Counts_FillTheBarProportionally(int done, int total, string expected)
    {
        Assert.Equal(expected, DemoProgress.Render(done, total));
    }

    [Fact]
    public void Render_CustomVerbAndWidth_AreUsed()
    {
        Assert.Equal("[##--] 1/2 flow runs finished", DemoProgress.Render(1, 2, "finished", 4));
    }

    [Theory]
    [InlineData(-1, 1, 4)]
    [InlineData(1, -1, 4)]
    [InlineData(1, 1, 0)]
    public void Render_BadArguments_Throw(int done, int total, int width)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoProgress.Render(done, total, width: width));
    }
}
