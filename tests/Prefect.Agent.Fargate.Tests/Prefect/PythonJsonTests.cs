using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Prefect;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PythonJsonTests
{
    [Fact]
    public void Serialize_UsesPythonSeparatorsAndAsciiEscapes()
    {
        var node = new JsonObject { ["a"] = new JsonArray(1, "é\"\n", true, null), ["b"] = new JsonObject(), ["c"] = "😀\u007f" };

        Assert.Equal("{\"a\": [1, \"\\u00e9\\\"\\n\", true, null], \"b\": {}, \"c\": \"\\ud83d\\ude00\\u007f\"}", PythonJson.Serialize(node));
    }

    [Fact]
    public void Serialize_Null_IsNullLiteral() => Assert.Equal("null", PythonJson.Serialize(null));

    [Fact]
    public void BuildBody_EncodesVariablesAsAString()
    {
        var body = PrefectGraphQLClient.BuildBody("query { hello }", new JsonObject { ["x"] = "y" });

        Assert.Equal("{\"query\": \"query { hello }\", \"variables\": \"{\\\"x\\\": \\\"y\\\"}\"}", body);
        Assert.Equal("{\"query\": \"q\", \"variables\": \"null\"}", PrefectGraphQLClient.BuildBody("q", null));
    }

    [Theory]
    [InlineData(0, "2021-07-01T12:00:10+00:00")]
    [InlineData(1234560, "2021-07-01T12:00:10.123456+00:00")]
    [InlineData(10, "2021-07-01T12:00:10.000001+00:00")]
    public void PrefectTimeFormat_MatchesPythonIsoformat(long ticks, string expected)
    {
        var time = new DateTimeOffset(2021, 7, 1, 14, 0, 10, TimeSpan.FromHours(2)).AddTicks(ticks);

        Assert.Equal(expected, PrefectTime.Format(time));
    }
}
