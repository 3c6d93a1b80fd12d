using Amazon;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// Resolves a service endpoint: the explicit option, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, <c>AWS_ENDPOINT_URL</c>,
/// the profile's <c>services</c> section (through the SDK), else the regional endpoint.
/// </summary>
internal static class AwsEndpointResolver
{
    /// <summary>Resolves the endpoint of <paramref name="service"/>.</summary>
    /// <param name="service">The service.</param>
    /// <param name="explicitUrl">The option (e.g. <see cref="AgentOptions.EcsServiceUrl"/>).</param>
    /// <param name="region">The resolved region.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="configuredEndpoint">Reads the SDK's configured endpoint (profile); <see langword="null"/>: <see cref="SdkConfiguredEndpointConfig.Read"/>.</param>
    /// <returns>The endpoint.</returns>
    public static Uri Resolve(AwsService service, Uri? explicitUrl, RegionEndpoint region, Func<string, string?> environment, Func<AwsService, Uri?>? configuredEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(environment);
        if (explicitUrl is not null)
        {
            return explicitUrl;
        }

        if (!IsTrue(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
        {
            var fromEnv = Parse(environment(service.EndpointEnvironmentVariable), service.EndpointEnvironmentVariable)
                ?? Parse(environment("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL");
            if (fromEnv is not null)
            {
                return fromEnv;
            }

            var configured = (configuredEndpoint ?? SdkConfiguredEndpointConfig.Read)(service);
            if (configured is not null)
            {
                return configured;
            }
        }

        return Regional(service, region);
    }

    /// <summary>Builds the regional endpoint from the region's hostname template (works for the cn and gov partitions).</summary>
    /// <param name="service">The service.</param>
    /// <param name="region">The region.</param>
    /// <returns>The <c>https</c> endpoint.</returns>
    public static Uri Regional(AwsService service, RegionEndpoint region)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(region);
        var template = string.IsNullOrEmpty(region.HostnameTemplate) ? "{service}.{region}.{dnsSuffix}" : region.HostnameTemplate;
        var dnsSuffix = string.IsNullOrEmpty(region.PartitionDnsSuffix) ? "amazonaws.com" : region.PartitionDnsSuffix;
        var host = template
            .Replace("{service}", service.EndpointPrefix, StringComparison.Ordinal)
            .Replace("{region}", region.SystemName, StringComparison.Ordinal)
            .Replace("{dnsSuffix}", dnsSuffix, StringComparison.Ordinal);
        return new Uri("https://" + host + "/", UriKind.Absolute);
    }

    private static Uri? Parse(string? value, string variable)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{variable} ('{value}') is not an absolute http(s) URL: set it to e.g. https://ecs.eu-west-1.amazonaws.com or unset it.");
        }

        return uri;
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
