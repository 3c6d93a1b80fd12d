using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// The SDK's default credential chain (environment, web identity, profile, container, IMDS), resolved at the first
/// signed request rather than when the agent is built. The resolved provider refreshes itself (roles, IMDS).
/// </summary>
internal sealed class DeferredDefaultCredentials : AWSCredentials
{
    private readonly Lazy<AWSCredentials> inner = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentials(), LazyThreadSafetyMode.ExecutionAndPublication);

    public override ImmutableCredentials GetCredentials() => inner.Value.GetCredentials();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => inner.Value.GetCredentialsAsync();
}
