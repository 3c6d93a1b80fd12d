using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.S3;

/// <summary>Builds the agent's one S3 client from its options (credentials, region, endpoint, botocore config).</summary>
internal static class S3ClientFactory
{
    /// <summary>Creates the client.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <param name="environment">Looks up an environment variable (region fallbacks).</param>
    /// <returns>The client; thread-safe, for the agent's lifetime.</returns>
    public static AmazonS3Client Create(AgentOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var botocore = options.BotocoreConfig ?? new BotocoreConfig();
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.S3ForcePathStyle,
            MaxErrorRetry = Math.Max(0, botocore.MaxAttempts - 1),
            // AWS SDK for .NET v4 has no legacy mode: botocore's "legacy" maps to standard (same attempts, jittered back-off).
            RetryMode = botocore.RetryMode == AwsRetryMode.Adaptive ? RequestRetryMode.Adaptive : RequestRetryMode.Standard,
            Timeout = botocore.ReadTimeout,
            MaxConnectionsPerServer = AwsClientSettings.ConnectionsFor(botocore, options.MaxConcurrentDeployments),
        };

        // AWS_DEFAULT_REGION is ignored by the SDK's own fallback (aws-client-notes 1b), hence the explicit chain.
        // Without any of them the SDK's own chain (profile) decides, as for S3 endpoints given by AWS_ENDPOINT_URL_S3.
        var region = AwsRegionResolver.FromOptionOrEnvironment(options.RegionName, environment);
        if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        // Set last: the ServiceURL setter clears RegionEndpoint, so the region is kept for signing only. Without it,
        // ServiceURL is never read here: its getter applies AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL itself, and reading
        // it before RegionEndpoint loses that endpoint (SDK quirk, aws-client-notes 1c).
        if (options.S3ServiceUrl is not null)
        {
            config.ServiceURL = options.S3ServiceUrl.ToString();
            if (region is not null)
            {
                config.AuthenticationRegion = region;
            }
        }

        var credentials = Credentials(options);
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    // The access-key rules are the ECS client's (one place); without a key, null lets the S3 client run the SDK's
    // default chain itself, per request.
    private static AWSCredentials? Credentials(AgentOptions options) =>
        string.IsNullOrEmpty(options.AwsAccessKeyId) ? options.AwsCredentials : AwsCredentialResolver.Resolve(options);
}
