namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The original's key lists (reference 2.1, exact and case-sensitive), plus the keys of issue 4.</summary>
internal static class KwargKeys
{
    /// <summary>RegisterTaskDefinition keys: the original's 12, then <c>ephemeralStorage</c> and <c>runtimePlatform</c> (ours).</summary>
    public static readonly IReadOnlyList<string> TaskDefinition =
    [
        "taskRoleArn", "executionRoleArn", "networkMode", "volumes", "placementConstraints", "cpu", "memory", "tags",
        "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
    ];

    /// <summary>RunTask keys: the original's 11, then <c>capacityProviderStrategy</c> and <c>enableExecuteCommand</c> (ours).</summary>
    public static readonly IReadOnlyList<string> Run =
    [
        "cluster", "count", "startedBy", "group", "placementConstraints", "placementStrategy", "platformVersion",
        "networkConfiguration", "tags", "enableECSManagedTags", "propagateTags", "capacityProviderStrategy",
        "enableExecuteCommand",
    ];

    /// <summary>Keys read from the single element of <c>containerDefinitions</c>.</summary>
    public static readonly IReadOnlyList<string> Container =
    [
        "mountPoints", "secrets", "environment", "logConfiguration", "repositoryCredentials",
    ];

    /// <summary>The key holding the container definitions.</summary>
    public const string ContainerDefinitions = "containerDefinitions";

    /// <summary>The prefix of the container keys' environment variables (<c>containerDefinitions_secrets</c>).</summary>
    public const string ContainerEnvironmentPrefix = "containerDefinitions_";

    /// <summary>Keys never read as literals: they stay strings, and integers become strings.</summary>
    public static bool IsNoEval(string key) => key is "cpu" or "memory";
}
