using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class BotocoreConfigParserTests
{
    [Fact]
    public void Parse_Json_ReadsEverySupportedKey()
    {
        var config = BotocoreConfigParser.Parse("""{"retries": {"max_attempts": 10, "mode": "adaptive"}, "connect_timeout": 5, "read_timeout": 2.5, "max_pool_connections": 20}""");
        Assert.Equal(11, config.MaxAttempts);
        Assert.Equal(AwsRetryMode.Adaptive, config.RetryMode);
        Assert.Equal(TimeSpan.FromSeconds(5), config.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), config.ReadTimeout);
        Assert.Equal(20, config.MaxPoolConnections);
    }

    [Fact]
    public void Parse_PythonLiteral_Accepted()
    {
        var config = BotocoreConfigParser.Parse("{'retries': {'total_max_attempts': 4, 'mode': 'legacy'}}");
        Assert.Equal(4, config.MaxAttempts);
        Assert.Equal(AwsRetryMode.Legacy, config.RetryMode);
        Assert.Equal(TimeSpan.FromSeconds(60), config.ConnectTimeout);
    }

    [Fact]
    public void Parse_TotalMaxAttempts_WinsOverMaxAttempts()
        => Assert.Equal(3, BotocoreConfigParser.Parse("{'retries': {'max_attempts': 9, 'total_max_attempts': 3}}").MaxAttempts);

    [Fact]
    public void Parse_MaxAttemptsZero_MeansOneAttempt()
        => Assert.Equal(1, BotocoreConfig.Parse("{\"retries\": {\"max_attempts\": 0}}").MaxAttempts);

    [Fact]
    public void Parse_Empty_KeepsDefaults()
    {
        var config = BotocoreConfigParser.Parse("{}");
        Assert.Equal(3, config.MaxAttempts);
        Assert.Equal(AwsRetryMode.Standard, config.RetryMode);
    }

    [Theory]
    [InlineData("{'proxies': {'http': 'x'}}", "'proxies'")]
    [InlineData("{'signature_version': 'v4'}", "'signature_version'")]
    [InlineData("{'retries': {'foo': 1}}", "'retries.foo'")]
    public void Parse_UnsupportedKey_NamesKeyAndSupportedOnes(string text, string key)
    {
        var ex = Assert.Throws<FormatException>(() => BotocoreConfigParser.Parse(text));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("connect_timeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'retries': {'mode': 'fast'}}", "retries.mode")]
    [InlineData("{'retries': {'max_attempts': -1}}", "retries.max_attempts")]
    [InlineData("{'retries': {'total_max_attempts': 0}}", "retries.total_max_attempts")]
    [InlineData("{'retries': {'max_attempts': '3'}}", "retries.max_attempts")]
    [InlineData("{'connect_timeout': 0}", "connect_timeout")]
    [InlineData("{'read_timeout': 'x'}", "read_timeout")]
    [InlineData("{'max_pool_connections': 1.5}", "max_pool_connections")]
    [InlineData("{'retries': 3}", "retries")]
    public void Parse_BadValue_NamesKey(string text, string key)
    {
        var ex = Assert.Throws<FormatException>(() => BotocoreConfigParser.Parse(text));
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("not a dict")]
    public void Parse_NotADictionary_Throws(string text)
        => Assert.Contains("must be a dictionary", Assert.Throws<FormatException>(() => BotocoreConfigParser.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_JsonWithTrue_IsReadAsJson()
        => Assert.Throws<FormatException>(() => BotocoreConfigParser.Parse("{\"parameter_validation\": true}"));
}
