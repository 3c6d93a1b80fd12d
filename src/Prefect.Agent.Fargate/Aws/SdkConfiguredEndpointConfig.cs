using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// A client configuration used only to read <see cref="ClientConfig.ServiceURL"/>: its getter holds the SDK's
/// "configured endpoint" logic (<c>AWS_ENDPOINT_URL_&lt;ID&gt;</c>, <c>AWS_ENDPOINT_URL</c>, the profile's
/// <c>services</c> section and <c>endpoint_url</c>, <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c>), reused rather than
/// re-implemented. It reads the process environment and the shared config files itself.
/// </summary>
internal sealed class SdkConfiguredEndpointConfig : ClientConfig
{
    private readonly string endpointPrefix;

    public SdkConfiguredEndpointConfig(AwsService service)
        : base(new StandardDefaultsProvider())
    {
        ServiceId = service.ServiceId;
        AuthenticationServiceName = service.SigningName;
        endpointPrefix = service.EndpointPrefix;

        // Named explicitly: the SDK otherwise remembers AWS_PROFILE from its first read in the process.
        var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (!string.IsNullOrWhiteSpace(profile))
        {
            Profile = new Amazon.Profile(profile);
        }
    }

    public override string ServiceVersion => "2014-11-13";

    public override string UserAgent => "prefect-agent-fargate";

    public override string RegionEndpointServiceName => endpointPrefix;

    /// <summary>Reads the configured endpoint of a service, if any.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The endpoint, or <see langword="null"/>.</returns>
    public static Uri? Read(AwsService service)
    {
        // Only ServiceURL is read (never RegionEndpoint first): see the SDK quirk in the client notes.
        var url = new SdkConfiguredEndpointConfig(service).ServiceURL;
        return string.IsNullOrWhiteSpace(url) ? null : new Uri(url, UriKind.Absolute);
    }

    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
        throw new NotSupportedException("Only used to read the configured endpoint.");

    private sealed class StandardDefaultsProvider : IDefaultConfigurationProvider
    {
        public IDefaultConfiguration GetDefaultConfiguration(Amazon.RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) =>
            new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard };
    }
}
