using Amazon.Runtime;
using Amazon.S3;
using Prefect.Agent.Fargate.S3;

namespace Prefect.Agent.Fargate.Tests.S3;

public sealed class S3ClientFactoryTests
{
    [Fact]
    public void Create_BotocoreConfig_SetsRetriesTimeoutAndConnections()
    {
        var options = new AgentOptions
        {
            RegionName = "eu-central-1",
            S3ForcePathStyle = true,
            BotocoreConfig = new BotocoreConfig { MaxAttempts = 10, RetryMode = AwsRetryMode.Adaptive, ReadTimeout = TimeSpan.FromSeconds(7), MaxPoolConnections = 33 },
        };

        using var client = S3ClientFactory.Create(options, _ => null);
        var config = (AmazonS3Config)client.Config;

        Assert.Equal(9, config.MaxErrorRetry);
        Assert.Equal(RequestRetryMode.Adaptive, config.RetryMode);
        Assert.Equal(TimeSpan.FromSeconds(7), config.Timeout);
        Assert.Equal(33, config.MaxConnectionsPerServer);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("eu-central-1", config.RegionEndpoint?.SystemName);
    }

    [Theory]
    [InlineData(null, "eu-west-1", "eu-west-3", "eu-west-1")]
    [InlineData(null, null, "eu-west-3", "eu-west-3")]
    [InlineData("ap-south-1", "eu-west-1", "eu-west-3", "ap-south-1")]
    public void Create_Region_RegionNameThenAwsRegionThenAwsDefaultRegion(string? regionName, string? awsRegion, string? awsDefaultRegion, string expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = awsRegion, ["AWS_DEFAULT_REGION"] = awsDefaultRegion };
        var options = new AgentOptions { RegionName = regionName, AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret" };

        using var client = S3ClientFactory.Create(options, name => environment.GetValueOrDefault(name));

        Assert.Equal(expected, ((AmazonS3Config)client.Config).RegionEndpoint?.SystemName);
    }

    [Fact]
    public void Create_ServiceUrlAndRegion_UsesTheUrlAndSignsForTheRegion()
    {
        var options = new AgentOptions { RegionName = "eu-west-2", S3ServiceUrl = new Uri("http://127.0.0.1:9000/") };

        using var client = S3ClientFactory.Create(options, _ => null);
        var config = (AmazonS3Config)client.Config;

        Assert.Equal("http://127.0.0.1:9000/", config.ServiceURL);
        Assert.Equal("eu-west-2", config.AuthenticationRegion);
    }
}
