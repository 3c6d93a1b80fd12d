using Amazon;
using Amazon.Runtime;
using Amazon.S3;

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
            MaxConnectionsPerServer = botocore.MaxPoolConnections,
        };

        // AWS_DEFAULT_REGION is ignored by the SDK's own fallback (aws-client-notes 1b), hence the explicit chain.
        var region = FirstSet(options.RegionName, environment("AWS_REGION"), environment("AWS_DEFAULT_REGION"));
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

    private static AWSCredentials? Credentials(AgentOptions options)
    {
        if (!string.IsNullOrEmpty(options.AwsAccessKeyId) && !string.IsNullOrEmpty(options.AwsSecretAccessKey))
        {
            return string.IsNullOrEmpty(options.AwsSessionToken)
                ? new BasicAWSCredentials(options.AwsAccessKeyId, options.AwsSecretAccessKey)
                : new SessionAWSCredentials(options.AwsAccessKeyId, options.AwsSecretAccessKey, options.AwsSessionToken);
        }

        // null: the SDK's default chain (environment, web identity, profile, container, IMDS), resolved per request.
        return options.AwsCredentials;
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
