using Amazon.Runtime.CredentialManagement;

namespace Prefect.Agent.Fargate.Aws;

/// <summary>
/// Checks at start, without a network call, that the AWS clients will find a region and credentials: the sources of
/// the SDK's default chain that can be seen without a call (options, environment variables, the shared profile files,
/// web identity, ECS container credentials), and whether this machine can be an EC2 instance (instance metadata).
/// </summary>
/// <remarks>
/// Without this check an agent with no credentials starts, claims runs and fails every one of them at its first ECS
/// call. Instance metadata cannot be seen without a call: on Linux the firmware's vendor tells an EC2 instance
/// (<c>/sys/devices/virtual/dmi/id</c>, or the Xen hypervisor's uuid); where neither can be read, or
/// <c>AWS_EC2_METADATA_DISABLED</c> is not set, the check gives instance metadata the benefit of the doubt.
/// </remarks>
internal static class AwsStartCheck
{
    /// <summary>Checks the region and the credentials.</summary>
    /// <param name="options">The resolved options.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="hasProfile">Whether a named profile exists in the shared files; <see langword="null"/>: the SDK's files.</param>
    /// <param name="mayBeEc2">Whether this machine may be an EC2 instance; <see langword="null"/>: read the firmware (Linux).</param>
    /// <returns>The failures, each saying which sources were tried and the fix.</returns>
    public static IReadOnlyList<string> Check(
        AgentOptions options,
        Func<string, string?> environment,
        Func<string, bool>? hasProfile = null,
        Func<bool>? mayBeEc2 = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var failures = new List<string>();
        var profile = NonEmpty(environment("AWS_PROFILE")) ?? "default";
        var profileExists = (hasProfile ?? SharedProfileExists)(profile);
        try
        {
            AwsRegionResolver.Resolve(options.RegionName, environment, profileExists ? null : _ => null);
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }

        if (!HasCredentials(options, environment, profileExists, mayBeEc2 ?? MayBeEc2))
        {
            failures.Add(
                "No AWS credentials were found. Tried: AgentOptions.AwsAccessKeyId and AwsSecretAccessKey (CLI aws_access_key_id= and "
                + "aws_secret_access_key=), AgentOptions.AwsCredentials, the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                + $"the profile '{profile}' in the shared AWS files (~/.aws/credentials, ~/.aws/config; AWS_PROFILE picks another), web identity "
                + "(AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN), ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or "
                + "AWS_CONTAINER_CREDENTIALS_FULL_URI), and EC2 instance metadata ("
                + (IsTrue(environment("AWS_EC2_METADATA_DISABLED")) ? "disabled by AWS_EC2_METADATA_DISABLED" : "this machine is not an EC2 instance")
                + "). Give the agent one of them.");
        }

        return failures;
    }

    private static bool HasCredentials(AgentOptions options, Func<string, string?> environment, bool profileExists, Func<bool> mayBeEc2) =>
        NonEmpty(options.AwsAccessKeyId) is not null
        || options.AwsCredentials is not null
        || (NonEmpty(environment("AWS_ACCESS_KEY_ID")) is not null && NonEmpty(environment("AWS_SECRET_ACCESS_KEY")) is not null)
        || profileExists
        || (NonEmpty(environment("AWS_WEB_IDENTITY_TOKEN_FILE")) is not null && NonEmpty(environment("AWS_ROLE_ARN")) is not null)
        || NonEmpty(environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) is not null
        || NonEmpty(environment("AWS_CONTAINER_CREDENTIALS_FULL_URI")) is not null
        || (!IsTrue(environment("AWS_EC2_METADATA_DISABLED")) && mayBeEc2());

    private static bool SharedProfileExists(string profile)
    {
        try
        {
            return new CredentialProfileStoreChain().TryGetProfile(profile, out _);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool MayBeEc2()
    {
        if (!OperatingSystem.IsLinux())
        {
            return true; // No way to tell without a call: give instance metadata the benefit of the doubt.
        }

        var vendor = Read("/sys/devices/virtual/dmi/id/sys_vendor");
        var hypervisor = Read("/sys/hypervisor/uuid");
        if (vendor is null && hypervisor is null)
        {
            return true; // Neither can be read (e.g. a container without /sys): unknown.
        }

        return (vendor?.Contains("Amazon", StringComparison.OrdinalIgnoreCase) ?? false)
            || (hypervisor?.StartsWith("ec2", StringComparison.OrdinalIgnoreCase) ?? false)
            || (Read("/sys/devices/virtual/dmi/id/board_asset_tag")?.StartsWith("i-", StringComparison.Ordinal) ?? false);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
