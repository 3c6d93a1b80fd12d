using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class KwargValueTests
{
    [Theory]
    [InlineData("null", true)]
    [InlineData("false", true)]
    [InlineData("0", true)]
    [InlineData("0.0", true)]
    [InlineData("\"\"", true)]
    [InlineData("[]", true)]
    [InlineData("{}", true)]
    [InlineData("true", false)]
    [InlineData("1", false)]
    [InlineData("-0.5", false)]
    [InlineData("\" \"", false)]
    [InlineData("[0]", false)]
    [InlineData("{\"a\": null}", false)]
    public void IsFalsy_MatchesPythonTruthiness(string json, bool falsy)
        => Assert.Equal(falsy, KwargValue.IsFalsy(JsonNode.Parse(json)));

    [Fact]
    public void IsFalsy_ClrValues()
    {
        Assert.True(KwargValue.IsFalsy(JsonValue.Create(0L)));
        Assert.True(KwargValue.IsFalsy(JsonValue.Create(0d)));
        Assert.False(KwargValue.IsFalsy(JsonValue.Create(3)));
    }

    [Theory]
    [InlineData("256", true)]
    [InlineData("-1", true)]
    [InlineData("256.0", false)]
    [InlineData("1e3", false)]
    [InlineData("\"256\"", false)]
    [InlineData("true", false)]
    public void IsInteger_FollowsPythonJsonTypes(string json, bool isInteger)
        => Assert.Equal(isInteger, KwargValue.IsInteger(JsonNode.Parse(json), out _));

    [Fact]
    public void Read_ReturnsDetachedCopies()
    {
        var original = new JsonObject { ["a"] = 1 };
        var read = KwargValue.Read(original);
        Assert.NotSame(original, read);
        Assert.Null(read!.Parent);
        Assert.Equal("{\"a\":1}", Json.Of(read));
    }

    [Fact]
    public void Read_LiteralBeatsJson_ForTextBothAccept()
        => Assert.Equal("[1,2]", Json.Of(KwargValue.Read(JsonValue.Create("[1, 2]"))));
}
