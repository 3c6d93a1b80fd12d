using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.Tests.Aws;

[CollectionDefinition("ProcessEnvironment", DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>The SDK reads the process environment and the shared config file itself: these tests set them.</summary>
[Collection("ProcessEnvironment")]
public sealed class SdkConfiguredEndpointTests : IDisposable
{
    private static readonly string[] Variables =
    [
        "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    ];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    // One directory for the process: the SDK remembers the config file's path after its first read.
    // The SDK also caches the parsed shared config for the process (any earlier SDK use in the test run reads it),
    // so the profile "services" section is not tested here: it was verified by hand (aws-client-notes §1c).
    private static readonly string Directory_ = CreateConfig();

    private readonly string directory = Directory_;

    public SdkConfiguredEndpointTests()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        // Never the developer's own ~/.aws files.
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(directory, "config"));
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(directory, "credentials"));

        // The SDK caches what it read from the environment and the profile for the process.
        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
    }

    [Fact]
    public void Read_ServiceSpecificProcessVariable_BeatsTheGenericOne()
    {
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://generic.local:1/");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_ECS", "http://ecs.local:2/");

        Assert.Equal(new Uri("http://ecs.local:2/"), SdkConfiguredEndpointConfig.Read(AwsService.Ecs));
        Assert.Equal(new Uri("http://generic.local:1/"), SdkConfiguredEndpointConfig.Read(AwsService.Tagging));
    }

    [Fact]
    public void Resolve_ProcessEnvironmentByDefault_FindsTheEndpointAndRegion()
    {
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_ECS", "http://ecs.local:4/");

        var settings = AwsClientSettings.Resolve(new AgentOptions { RegionName = "eu-west-1", AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret" });

        Assert.Equal(new Uri("http://ecs.local:4/"), settings.EcsEndpoint);
    }

    private static string CreateConfig()
    {
        var path = Directory.CreateTempSubdirectory("aws-config-").FullName;
        File.WriteAllText(Path.Combine(path, "config"), "[profile dev]\nregion = eu-west-1\nservices = local\n\n[services local]\necs =\n  endpoint_url = http://profile-ecs.local:3/\n");
        File.WriteAllText(Path.Combine(path, "credentials"), "[dev]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
        return path;
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }


        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
    }
}
