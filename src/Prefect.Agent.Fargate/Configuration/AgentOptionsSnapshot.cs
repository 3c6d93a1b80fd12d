using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>
/// Deep copies of <see cref="AgentOptions"/>: the agent works on its own snapshot, so a caller that changes its
/// options object (or a list inside it) after construction changes nothing in a running agent.
/// </summary>
internal static class AgentOptionsSnapshot
{
    public static AgentOptions Copy(AgentOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new AgentOptions
        {
            AgentConfigId = source.AgentConfigId,
            Name = source.Name,
            Labels = new List<string>(source.Labels ?? []),
            EnvVars = source.EnvVars is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : new Dictionary<string, string>(source.EnvVars, StringComparer.Ordinal),
            MaxPolls = source.MaxPolls,
            AgentAddress = source.AgentAddress,
            NoCloudLogs = source.NoCloudLogs,
            LaunchType = source.LaunchType,
            AwsAccessKeyId = source.AwsAccessKeyId,
            AwsSecretAccessKey = source.AwsSecretAccessKey,
            AwsSessionToken = source.AwsSessionToken,
            AwsCredentials = source.AwsCredentials,
            RegionName = source.RegionName,
            BotocoreConfig = Copy(source.BotocoreConfig ?? new BotocoreConfig()),
            EnableTaskRevisions = source.EnableTaskRevisions,
            UseExternalKwargs = source.UseExternalKwargs,
            ExternalKwargsS3Bucket = source.ExternalKwargsS3Bucket,
            ExternalKwargsS3Key = source.ExternalKwargsS3Key,
            Kwargs = CopyKwargs(source.Kwargs),
            ApiUrl = source.ApiUrl,
            Backend = source.Backend,
            ApiKey = source.ApiKey,
            TenantId = source.TenantId,
            AgentToken = source.AgentToken,
            ApiRequestTimeout = source.ApiRequestTimeout,
            FlowLoggingLevel = source.FlowLoggingLevel,
            PollIntervals = new List<TimeSpan>(source.PollIntervals ?? []),
            MaxConcurrentDeployments = source.MaxConcurrentDeployments,
            ShutdownDrainTimeout = source.ShutdownDrainTimeout,
            TaskWatchInterval = source.TaskWatchInterval,
            TaskWatchTimeout = source.TaskWatchTimeout,
            ReconcileAfter = source.ReconcileAfter,
            ReconcileInterval = source.ReconcileInterval,
            DeploymentRetryTimeout = source.DeploymentRetryTimeout,
            CapacityRetries = source.CapacityRetries,
            ReuseExistingTaskDefinitions = source.ReuseExistingTaskDefinitions,
            ListTaskDefinitionFamilies = source.ListTaskDefinitionFamilies,
            ApiKeySecretArn = source.ApiKeySecretArn,
            EcsServiceUrl = source.EcsServiceUrl,
            TaggingServiceUrl = source.TaggingServiceUrl,
            S3ServiceUrl = source.S3ServiceUrl,
            S3ForcePathStyle = source.S3ForcePathStyle,
            EcsRateLimits = Copy(source.EcsRateLimits ?? new EcsRateLimitOptions()),
            OnFatalError = source.OnFatalError,
            LoggerFactory = source.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            MeterFactory = source.MeterFactory,
            TimeProvider = source.TimeProvider ?? TimeProvider.System,
        };
    }

    private static BotocoreConfig Copy(BotocoreConfig source) => new()
    {
        MaxAttempts = source.MaxAttempts,
        RetryMode = source.RetryMode,
        ConnectTimeout = source.ConnectTimeout,
        ReadTimeout = source.ReadTimeout,
        MaxPoolConnections = source.MaxPoolConnections,
    };

    private static EcsRateLimitOptions Copy(EcsRateLimitOptions source) => new()
    {
        Enabled = source.Enabled,
        Headroom = source.Headroom,
        ClusterModify = Copy(source.ClusterModify),
        TaskDefinitionModify = Copy(source.TaskDefinitionModify),
        DescribeAndList = Copy(source.DescribeAndList),
        FargateLaunch = Copy(source.FargateLaunch),
        FargateRunTask = Copy(source.FargateRunTask),
        AccountShare = source.AccountShare,
        Limiter = source.Limiter,
    };

    private static TokenBucketOptions Copy(TokenBucketOptions? source) => source is null
        ? new TokenBucketOptions()
        : new TokenBucketOptions { Burst = source.Burst, RatePerSecond = source.RatePerSecond };

    private static Dictionary<string, JsonNode?> CopyKwargs(IDictionary<string, JsonNode?>? source)
    {
        var copy = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (source is not null)
        {
            foreach (var (key, value) in source)
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }
}
