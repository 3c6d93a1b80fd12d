using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>Resolves the AWS region: the option, <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the profile.</summary>
/// <remarks>
/// The SDK's <c>FallbackRegionFactory</c> ignores <c>AWS_DEFAULT_REGION</c> (which boto3 honours) and may probe IMDS,
/// so the order is implemented here.
/// </remarks>
internal static class AwsRegionResolver
{
    /// <summary>Resolves the region.</summary>
    /// <param name="regionName">The option (already including <c>REGION_NAME</c>).</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="profileRegion">Reads the region of a named profile; <see langword="null"/>: the SDK's shared config files.</param>
    /// <returns>The region.</returns>
    /// <exception cref="InvalidOperationException">No region is configured anywhere.</exception>
    public static RegionEndpoint Resolve(string? regionName, Func<string, string?> environment, Func<string, string?>? profileRegion = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var name = FromOptionOrEnvironment(regionName, environment);
        if (name is null)
        {
            var profile = NonEmpty(environment("AWS_PROFILE")) ?? "default";
            name = NonEmpty((profileRegion ?? SharedProfileRegion)(profile));
        }

        if (name is null)
        {
            throw new InvalidOperationException(
                "No AWS region is configured: set AgentOptions.RegionName (CLI/env REGION_NAME), or AWS_REGION "
                + "(or AWS_DEFAULT_REGION), or a region in the AWS profile.");
        }

        return RegionEndpoint.GetBySystemName(name.Trim());
    }

    /// <summary>The first steps of <see cref="Resolve"/>: the option, then <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>.</summary>
    /// <param name="regionName">The option (already including <c>REGION_NAME</c>).</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The region name, or <see langword="null"/> when none of them is set.</returns>
    public static string? FromOptionOrEnvironment(string? regionName, Func<string, string?> environment) =>
        NonEmpty(regionName) ?? NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION"));

    private static string? SharedProfileRegion(string profileName)
    {
        // The profile may not exist (no ~/.aws): that only means "no region from the profile".
        try
        {
            return new CredentialProfileStoreChain().TryGetProfile(profileName, out var profile) ? profile.Region?.SystemName : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
