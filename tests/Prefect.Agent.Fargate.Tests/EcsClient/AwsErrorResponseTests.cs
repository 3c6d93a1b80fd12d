using System.Net;
using System.Text;
using Prefect.Agent.Fargate.Ecs.Client;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

public sealed class AwsErrorResponseTests
{
    [Theory]
    [InlineData("com.amazonaws.ecs#ClientException", "ClientException")]
    [InlineData("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException")]
    [InlineData("aws.protocoltests#ns#InvalidParameterException:extra", "InvalidParameterException")]
    [InlineData("  ServerException ", "ServerException")]
    public void Normalize_NamespacedOrSuffixedCode_ReturnsTheBareCode(string raw, string expected) =>
        Assert.Equal(expected, AwsErrorResponse.Normalize(raw));

    [Fact]
    public void Parse_HeaderAndBody_HeaderCodeWinsAndMessageComesFromTheBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"__type\":\"com.amazonaws.ecs#ClientException\",\"Message\":\"Unable to describe task definition.\"}");

        var error = AwsErrorResponse.Parse(HttpStatusCode.BadRequest, "AccessDeniedException:http://x/", "req-1", body);

        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Equal("Unable to describe task definition.", error.Message);
        Assert.Equal("req-1", error.RequestId);
        Assert.False(error.IsRetryable);
    }

    [Theory]
    [InlineData(400, "ThrottlingException", true, true)]
    [InlineData(400, "ThrottledException", true, true)]
    [InlineData(400, "ClientException", false, false)]
    [InlineData(400, "InvalidParameterException", false, false)]
    [InlineData(500, "ServerException", false, true)]
    [InlineData(503, "ServiceUnavailable", false, true)]
    [InlineData(429, "Whatever", true, true)]
    public void IsRetryable_ByStatusAndCode_MatchesTheSdkRules(int status, string code, bool throttling, bool retryable)
    {
        var error = AwsErrorResponse.Parse((HttpStatusCode)status, null, null, Encoding.UTF8.GetBytes($"{{\"__type\":\"{code}\"}}"));

        Assert.Equal(throttling, error.IsThrottling);
        Assert.Equal(retryable, error.IsRetryable);
    }

    [Fact]
    public void Parse_NonJsonBody_UsesTheStatusAsCode()
    {
        var error = AwsErrorResponse.Parse(HttpStatusCode.BadGateway, null, null, "<html>bad gateway</html>"u8);

        Assert.Equal("Http502", error.ErrorCode);
        Assert.Null(error.Message);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public void FullJitterDelay_GrowsExponentiallyAndIsCappedAt20Seconds()
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(global::Prefect.Agent.Fargate.Ecs.Client.EcsClient.FullJitterDelay(TimeSpan.FromSeconds(1), 0), TimeSpan.Zero, TimeSpan.FromSeconds(1));
            Assert.InRange(global::Prefect.Agent.Fargate.Ecs.Client.EcsClient.FullJitterDelay(TimeSpan.FromSeconds(1), 3), TimeSpan.Zero, TimeSpan.FromSeconds(8));
            Assert.InRange(global::Prefect.Agent.Fargate.Ecs.Client.EcsClient.FullJitterDelay(TimeSpan.FromSeconds(1), 12), TimeSpan.Zero, TimeSpan.FromSeconds(20));
        }
    }
}
