using Amazon;
using Amazon.Runtime;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// The AWS settings shared by the agent's ECS and tagging clients (and reusable by S3): credentials, region and
/// endpoints, resolved once from the agent's resolved options.
/// </summary>
internal sealed class AwsClientSettings
{
    private AwsClientSettings(AWSCredentials credentials, RegionEndpoint region, Uri ecsEndpoint, Uri taggingEndpoint, BotocoreConfig botocore, int maxConnectionsPerServer)
    {
        Credentials = credentials;
        Region = region;
        EcsEndpoint = ecsEndpoint;
        TaggingEndpoint = taggingEndpoint;
        Botocore = botocore;
        MaxConnectionsPerServer = maxConnectionsPerServer;
    }

    public AWSCredentials Credentials { get; }

    public RegionEndpoint Region { get; }

    public Uri EcsEndpoint { get; }

    public Uri TaggingEndpoint { get; }

    public BotocoreConfig Botocore { get; }

    /// <summary>
    /// Gets the most connections to one endpoint: botocore's <c>max_pool_connections</c>, but never fewer than the
    /// deployments that may call at once. botocore's pool bounds the connections it keeps, not the calls in flight
    /// (urllib3 opens more and discards them), whereas <see cref="SocketsHttpHandler.MaxConnectionsPerServer"/> queues
    /// the calls beyond it: ten connections at 20 ms a call would cap RunTask at 500 per second.
    /// </summary>
    public int MaxConnectionsPerServer { get; }

    /// <summary>Gets the connection cap for the given pool size and concurrency (see <see cref="MaxConnectionsPerServer"/>).</summary>
    /// <param name="botocore">The botocore settings.</param>
    /// <param name="maxConcurrentDeployments">The agent's concurrency.</param>
    /// <returns>The cap.</returns>
    public static int ConnectionsFor(BotocoreConfig botocore, int maxConcurrentDeployments) =>
        Math.Max(1, Math.Max(botocore.MaxPoolConnections, maxConcurrentDeployments));

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
        var botocore = options.BotocoreConfig ?? new BotocoreConfig();
        return new AwsClientSettings(credentials, region, ecs, tagging, botocore, ConnectionsFor(botocore, options.MaxConcurrentDeployments));
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
