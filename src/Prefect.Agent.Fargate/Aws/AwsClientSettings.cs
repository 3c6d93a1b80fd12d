using Amazon;
using Amazon.Runtime;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// The AWS settings shared by the agent's ECS and tagging clients (and reusable by S3): credentials, region and
/// endpoints, resolved once from the agent's resolved options.
/// </summary>
internal sealed class AwsClientSettings
{
    private AwsClientSettings(AWSCredentials credentials, RegionEndpoint region, Uri ecsEndpoint, Uri taggingEndpoint, BotocoreConfig botocore)
    {
        Credentials = credentials;
        Region = region;
        EcsEndpoint = ecsEndpoint;
        TaggingEndpoint = taggingEndpoint;
        Botocore = botocore;
    }

    public AWSCredentials Credentials { get; }

    public RegionEndpoint Region { get; }

    public Uri EcsEndpoint { get; }

    public Uri TaggingEndpoint { get; }

    public BotocoreConfig Botocore { get; }

    /// <summary>Resolves the settings.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <param name="environment">Reads an environment variable; <see langword="null"/>: the process environment.</param>
    /// <param name="configuredEndpoint">Reads the SDK-configured endpoint (profile); <see langword="null"/>: the SDK.</param>
    /// <param name="profileRegion">Reads a profile's region; <see langword="null"/>: the SDK's shared files.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">No region, a half-given access key, or a malformed endpoint variable.</exception>
    public static AwsClientSettings Resolve(
        AgentOptions options,
        Func<string, string?>? environment = null,
        Func<AwsService, Uri?>? configuredEndpoint = null,
        Func<string, string?>? profileRegion = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        var credentials = AwsCredentialResolver.Resolve(options);
        var region = AwsRegionResolver.Resolve(options.RegionName, environment, profileRegion);
        var ecs = AwsEndpointResolver.Resolve(AwsService.Ecs, options.EcsServiceUrl, region, environment, configuredEndpoint);
        var tagging = AwsEndpointResolver.Resolve(AwsService.Tagging, options.TaggingServiceUrl, region, environment, configuredEndpoint);
        return new AwsClientSettings(credentials, region, ecs, tagging, options.BotocoreConfig ?? new BotocoreConfig());
    }

    /// <summary>Resolves the endpoint of another service (e.g. S3) with the same rules and region.</summary>
    /// <param name="service">The service.</param>
    /// <param name="explicitUrl">The explicit option.</param>
    /// <param name="environment">Reads an environment variable; <see langword="null"/>: the process environment.</param>
    /// <param name="configuredEndpoint">Reads the SDK-configured endpoint (profile); <see langword="null"/>: the SDK.</param>
    /// <returns>The endpoint.</returns>
    public Uri ResolveEndpoint(AwsService service, Uri? explicitUrl, Func<string, string?>? environment = null, Func<AwsService, Uri?>? configuredEndpoint = null) =>
        AwsEndpointResolver.Resolve(service, explicitUrl, Region, environment ?? Environment.GetEnvironmentVariable, configuredEndpoint);
}
