using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>
/// The AWS SDK creates its STS client (web-identity and assume-role credentials) by reflection, which a Native AOT
/// binary cannot do: the tool registers it, as the SDK asks of trimmed apps. Harmless under the JIT (the same client).
/// </summary>
internal static class AwsRuntimeDependencies
{
    public static void Register() =>
        GlobalRuntimeDependencyRegistry.Instance.RegisterSecurityTokenServiceClient(context =>
        {
            var data = context.SecurityTokenServiceClientContextData;
            var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is { } proxy)
            {
                config.SetWebProxy(proxy);
            }

            return new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config);
        });
}
