using Amazon.Runtime;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>Resolves the AWS credentials of the agent's clients, in the original's order.</summary>
internal static class AwsCredentialResolver
{
    /// <summary>
    /// Access key (+ session token) from the options, else <see cref="AgentOptions.AwsCredentials"/>, else the SDK's
    /// default chain, resolved on first use so that building the agent makes no network call (IMDS).
    /// </summary>
    /// <param name="accessKeyId">The access key id (already resolved from <c>AWS_ACCESS_KEY_ID</c> by the options).</param>
    /// <param name="secretAccessKey">The secret key.</param>
    /// <param name="sessionToken">The session token, if any.</param>
    /// <param name="credentials">Credentials given as an SDK object.</param>
    /// <returns>The credentials.</returns>
    public static AWSCredentials Resolve(string? accessKeyId, string? secretAccessKey, string? sessionToken, AWSCredentials? credentials)
    {
        if (!string.IsNullOrEmpty(accessKeyId))
        {
            if (string.IsNullOrEmpty(secretAccessKey))
            {
                throw new InvalidOperationException(
                    $"AwsAccessKeyId ('{accessKeyId}') is set but AwsSecretAccessKey is not: set AwsSecretAccessKey (or AWS_SECRET_ACCESS_KEY), "
                    + "or leave both unset to use the AWS SDK's default credential chain.");
            }

            return string.IsNullOrEmpty(sessionToken)
                ? new BasicAWSCredentials(accessKeyId, secretAccessKey)
                : new SessionAWSCredentials(accessKeyId, secretAccessKey, sessionToken);
        }

        return credentials ?? new DeferredDefaultCredentials();
    }

    public static AWSCredentials Resolve(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Resolve(options.AwsAccessKeyId, options.AwsSecretAccessKey, options.AwsSessionToken, options.AwsCredentials);
    }
}
