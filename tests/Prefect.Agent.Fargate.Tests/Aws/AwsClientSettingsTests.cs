using Amazon;
using Amazon.Runtime;
using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.Tests.Aws;

public sealed class AwsClientSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static AwsClientSettings Resolve(AgentOptions options, Func<string, string?> env, Func<string, string?>? profileRegion = null, Func<AwsService, Uri?>? configured = null) =>
        AwsClientSettings.Resolve(options, env, configured ?? (_ => null), profileRegion ?? (_ => null));

    private static AgentOptions Keys(string? region = "eu-west-1") =>
        new() { RegionName = region, AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret" };

    [Fact]
    public void Resolve_AccessKeyAndSecret_GivesBasicCredentials()
    {
        var settings = Resolve(Keys(), Env());

        var credentials = Assert.IsType<BasicAWSCredentials>(settings.Credentials).GetCredentials();
        Assert.Equal("AKIDEXAMPLE", credentials.AccessKey);
        Assert.Equal("secret", credentials.SecretKey);
    }

    [Theory]
    [InlineData(10, 32, 32)]
    [InlineData(10, 128, 128)]
    [InlineData(200, 32, 200)]
    [InlineData(1, 1, 1)]
    public void Resolve_PoolSizeAndConcurrency_NeverQueuesADeploymentBehindThePool(int maxPoolConnections, int maxConcurrentDeployments, int expected)
    {
        var options = Keys();
        options.BotocoreConfig = new BotocoreConfig { MaxPoolConnections = maxPoolConnections };
        options.MaxConcurrentDeployments = maxConcurrentDeployments;

        var settings = Resolve(options, Env());

        Assert.Equal(expected, settings.MaxConnectionsPerServer);
    }

    [Fact]
    public void Resolve_WithSessionToken_GivesSessionCredentials()
    {
        var options = Keys();
        options.AwsSessionToken = "token-1";

        var settings = Resolve(options, Env());

        Assert.Equal("token-1", Assert.IsType<SessionAWSCredentials>(settings.Credentials).GetCredentials().Token);
    }

    [Fact]
    public void Resolve_NoKeysButSdkCredentials_UsesTheGivenObject()
    {
        var given = new BasicAWSCredentials("AKIDHOST", "host-secret");

        var settings = Resolve(new AgentOptions { RegionName = "eu-west-1", AwsCredentials = given }, Env());

        Assert.Same(given, settings.Credentials);
    }

    [Fact]
    public void Resolve_NothingGiven_DefersTheDefaultChainToFirstUse()
    {
        var settings = Resolve(new AgentOptions { RegionName = "eu-west-1" }, Env());

        Assert.IsType<DeferredDefaultCredentials>(settings.Credentials);
    }

    [Fact]
    public void Resolve_AccessKeyWithoutSecret_FailsNamingTheMissingOption()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(new AgentOptions { RegionName = "eu-west-1", AwsAccessKeyId = "AKIDEXAMPLE" }, Env()));

        Assert.Contains("AwsSecretAccessKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AKIDEXAMPLE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RegionOption_BeatsTheEnvironment()
    {
        var settings = Resolve(Keys("eu-west-1"), Env(("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "ap-south-1")));

        Assert.Equal(RegionEndpoint.EUWest1, settings.Region);
    }

    [Fact]
    public void Resolve_AwsRegion_BeatsAwsDefaultRegion()
    {
        var settings = Resolve(Keys(null), Env(("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "ap-south-1")));

        Assert.Equal(RegionEndpoint.USWest2, settings.Region);
    }

    [Fact]
    public void Resolve_OnlyAwsDefaultRegion_IsUsedUnlikeTheSdk()
    {
        var settings = Resolve(Keys(null), Env(("AWS_DEFAULT_REGION", "ap-south-1")));

        Assert.Equal(RegionEndpoint.APSouth1, settings.Region);
    }

    [Fact]
    public void Resolve_RegionOnlyInTheProfile_ReadsTheNamedProfile()
    {
        string? asked = null;

        var settings = Resolve(Keys(null), Env(("AWS_PROFILE", "prod")), profileRegion: p => { asked = p; return "eu-central-1"; });

        Assert.Equal("prod", asked);
        Assert.Equal(RegionEndpoint.EUCentral1, settings.Region);
    }

    [Fact]
    public void Resolve_NoRegionAnywhere_FailsNamingWhereToSetIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(Keys(null), Env()));

        Assert.Contains("RegionName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("REGION_NAME", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ExplicitUrls_WinOverEverything()
    {
        var options = Keys();
        options.EcsServiceUrl = new Uri("http://127.0.0.1:9000/");
        options.TaggingServiceUrl = new Uri("http://127.0.0.1:9001/");

        var settings = Resolve(options, Env(("AWS_ENDPOINT_URL_ECS", "http://ecs.local/"), ("AWS_ENDPOINT_URL", "http://all.local/")));

        Assert.Equal(new Uri("http://127.0.0.1:9000/"), settings.EcsEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:9001/"), settings.TaggingEndpoint);
    }

    [Fact]
    public void Resolve_ServiceSpecificVariable_BeatsTheGenericOne()
    {
        var settings = Resolve(Keys(), Env(
            ("AWS_ENDPOINT_URL_ECS", "http://ecs.local/"),
            ("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", "http://tagging.local/"),
            ("AWS_ENDPOINT_URL", "http://all.local/")));

        Assert.Equal(new Uri("http://ecs.local/"), settings.EcsEndpoint);
        Assert.Equal(new Uri("http://tagging.local/"), settings.TaggingEndpoint);
    }

    [Fact]
    public void Resolve_GenericVariableOnly_IsUsedForBothServices()
    {
        var settings = Resolve(Keys(), Env(("AWS_ENDPOINT_URL", "http://all.local:4566")));

        Assert.Equal(new Uri("http://all.local:4566"), settings.EcsEndpoint);
        Assert.Equal(new Uri("http://all.local:4566"), settings.TaggingEndpoint);
    }

    [Fact]
    public void Resolve_ProfileConfiguredEndpoint_IsUsedAfterTheVariables()
    {
        var settings = Resolve(Keys(), Env(), configured: s => s == AwsService.Ecs ? new Uri("http://from-profile.local/") : null);

        Assert.Equal(new Uri("http://from-profile.local/"), settings.EcsEndpoint);
        Assert.Equal(new Uri("https://tagging.eu-west-1.amazonaws.com/"), settings.TaggingEndpoint);
    }

    [Fact]
    public void Resolve_IgnoreConfiguredEndpoints_GivesTheRegionalOnes()
    {
        var settings = Resolve(Keys(), Env(("AWS_ENDPOINT_URL", "http://all.local/"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));

        Assert.Equal(new Uri("https://ecs.eu-west-1.amazonaws.com/"), settings.EcsEndpoint);
    }

    [Theory]
    [InlineData("eu-west-1", "https://ecs.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://ecs.cn-north-1.amazonaws.com.cn/")]
    public void Resolve_NothingConfigured_GivesTheRegionalEndpoint(string region, string expected)
    {
        var settings = Resolve(Keys(region), Env());

        Assert.Equal(new Uri(expected), settings.EcsEndpoint);
    }

    [Fact]
    public void Resolve_MalformedEndpointVariable_FailsNamingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(Keys(), Env(("AWS_ENDPOINT_URL_ECS", "not a url"))));

        Assert.Contains("AWS_ENDPOINT_URL_ECS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveEndpoint_S3_UsesTheSameRules()
    {
        var settings = Resolve(Keys(), Env());

        Assert.Equal(new Uri("http://s3.local/"), settings.ResolveEndpoint(AwsService.S3, null, Env(("AWS_ENDPOINT_URL_S3", "http://s3.local/")), _ => null));
        Assert.Equal(new Uri("https://s3.eu-west-1.amazonaws.com/"), settings.ResolveEndpoint(AwsService.S3, null, Env(), _ => null));
    }
}
