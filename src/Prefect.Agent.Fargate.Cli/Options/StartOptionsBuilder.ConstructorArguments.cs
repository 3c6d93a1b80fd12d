using System.Globalization;

namespace Prefect.Agent.Fargate.Cli.Options;

/// <content>The original's constructor arguments given as trailing <c>key=value</c> items, and their value parsers.</content>
internal static partial class StartOptionsBuilder
{
    private static bool ApplyConstructorArgument(AgentOptions options, string key, string value, List<string> errors)
    {
        switch (key)
        {
            case "agent_config_id":
                options.AgentConfigId = NullIfEmpty(value);
                return true;
            case "name":
                options.Name = NullIfEmpty(value);
                return true;
            case "agent_address":
                options.AgentAddress = NullIfEmpty(value);
                return true;
            case "launch_type":
                // Kept as given: an empty launch_type means "send neither requiresCompatibilities nor launchType".
                options.LaunchType = value;
                return true;
            case "aws_access_key_id":
                options.AwsAccessKeyId = NullIfEmpty(value);
                return true;
            case "aws_secret_access_key":
                options.AwsSecretAccessKey = NullIfEmpty(value);
                return true;
            case "aws_session_token":
                options.AwsSessionToken = NullIfEmpty(value);
                return true;
            case "region_name":
                options.RegionName = NullIfEmpty(value);
                return true;
            case "external_kwargs_s3_bucket":
                options.ExternalKwargsS3Bucket = NullIfEmpty(value);
                return true;
            case "external_kwargs_s3_key":
                options.ExternalKwargsS3Key = NullIfEmpty(value);
                return true;
            case "max_polls":
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var maxPolls))
                {
                    SetMaxPolls(options, key, maxPolls, errors);
                }
                else
                {
                    errors.Add($"max_polls: '{value}' is not a whole number; give e.g. max_polls=10.");
                }

                return true;
            case "max_concurrent_deployments":
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var slots) && slots >= 1)
                {
                    options.MaxConcurrentDeployments = slots;
                }
                else
                {
                    errors.Add($"max_concurrent_deployments: '{value}' is not a whole number of at least 1; give e.g. max_concurrent_deployments=64.");
                }

                return true;
            case "deployment_retry_timeout":
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var retrySeconds) && retrySeconds >= 0 && retrySeconds <= TimeSpan.MaxValue.TotalSeconds / 2)
                {
                    options.DeploymentRetryTimeout = TimeSpan.FromSeconds(retrySeconds);
                }
                else
                {
                    errors.Add($"deployment_retry_timeout: '{value}' is not a number of seconds of at least 0; give e.g. deployment_retry_timeout=600.");
                }

                return true;
            case "capacity_retries":
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var capacityRetries) && capacityRetries >= 0)
                {
                    options.CapacityRetries = capacityRetries;
                }
                else
                {
                    errors.Add($"capacity_retries: '{value}' is not a whole number of at least 0; give e.g. capacity_retries=3.");
                }

                return true;
            case "ecs_rate_limits":
                if (ParseBoolean(key, value, errors) is { } rateLimits)
                {
                    options.EcsRateLimits.Enabled = rateLimits;
                }

                return true;
            case "ecs_rate_share":
                if (ParseShare(value) is { } share && share > 0 && share <= 1)
                {
                    options.EcsRateLimits.AccountShare = share;
                }
                else
                {
                    errors.Add($"ecs_rate_share: '{value}' is not a number greater than 0 and at most 1; give e.g. ecs_rate_share=0.5 or ecs_rate_share=1/3 for two or three agents on one account.");
                }

                return true;
            case "ecs_rate_slow_start":
                if (ParseBoolean(key, value, errors) is { } slowStart)
                {
                    options.EcsRateLimits.SlowStart = slowStart;
                }

                return true;
            case "ecs_rate_headroom":
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var headroom) && headroom >= 0 && headroom <= 10)
                {
                    options.EcsRateLimits.Headroom = TimeSpan.FromSeconds(headroom);
                }
                else
                {
                    errors.Add($"ecs_rate_headroom: '{value}' is not a number of seconds between 0 and 10; give e.g. ecs_rate_headroom=0.1 (the default), or 0 to turn it off.");
                }

                return true;
            case "ecs_rate_cluster_modify":
                SetBucket(options.EcsRateLimits.ClusterModify, key, value, errors);
                return true;
            case "ecs_rate_task_definition_modify":
                SetBucket(options.EcsRateLimits.TaskDefinitionModify, key, value, errors);
                return true;
            case "ecs_rate_describe_and_list":
                SetBucket(options.EcsRateLimits.DescribeAndList, key, value, errors);
                return true;
            case "ecs_rate_fargate_launch":
                SetBucket(options.EcsRateLimits.FargateLaunch, key, value, errors);
                return true;
            case "ecs_rate_fargate_run_task":
                SetBucket(options.EcsRateLimits.FargateRunTask, key, value, errors);
                return true;
            case "list_task_definition_families":
                if (ParseBoolean(key, value, errors) is { } listFamilies)
                {
                    options.ListTaskDefinitionFamilies = listFamilies;
                }

                return true;
            case "no_cloud_logs":
                if (ParseBoolean(key, value, errors) is { } noCloudLogs)
                {
                    options.NoCloudLogs = noCloudLogs;
                }

                return true;
            case "enable_task_revisions":
                if (ParseBoolean(key, value, errors) is { } revisions)
                {
                    options.EnableTaskRevisions = revisions;
                }

                return true;
            case "use_external_kwargs":
                if (ParseBoolean(key, value, errors) is { } external)
                {
                    options.UseExternalKwargs = external;
                }

                return true;
            case "task_watch_interval":
                SetSeconds(key, value, allowZero: true, errors, v => options.TaskWatchInterval = v);
                return true;
            case "task_watch_timeout":
                SetSeconds(key, value, allowZero: false, errors, v => options.TaskWatchTimeout = v);
                return true;
            case "reconcile_after":
                SetSeconds(key, value, allowZero: false, errors, v => options.ReconcileAfter = v);
                return true;
            case "reconcile_interval":
                SetSeconds(key, value, allowZero: true, errors, v => options.ReconcileInterval = v);
                return true;
            case "botocore_config":
                try
                {
                    options.BotocoreConfig = BotocoreConfig.Parse(value);
                }
                catch (FormatException ex)
                {
                    // The parser's messages name the argument and show an example already.
                    errors.Add(ex.Message.StartsWith("botocore_config", StringComparison.Ordinal) ? ex.Message : "botocore_config: " + ex.Message);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses a share as a number (<c>0.5</c>) or a fraction of whole numbers (<c>1/3</c>).</summary>
    /// <param name="value">The item's value.</param>
    /// <returns>The share, or <see langword="null"/> when the value is neither.</returns>
    private static double? ParseShare(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
        }

        return int.TryParse(value.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            && int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            && denominator > 0
            ? (double)numerator / denominator
            : null;
    }

    /// <summary>Sets a token bucket from <c>BURST:RATE</c> (a whole burst of at least 1, a rate per second greater than 0).</summary>
    /// <param name="bucket">The bucket to set.</param>
    /// <param name="key">The item's key, for messages.</param>
    /// <param name="value">The item's value.</param>
    /// <param name="errors">Collects the usage errors.</param>
    private static void SetBucket(TokenBucketOptions bucket, string key, string value, List<string> errors)
    {
        var parts = value.Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var burst) && burst >= 1
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && !double.IsInfinity(rate))
        {
            bucket.Burst = burst;
            bucket.RatePerSecond = rate;
        }
        else
        {
            errors.Add($"{key}: '{value}' is not BURST:RATE (a whole burst of at least 1 and a rate per second greater than 0); give e.g. {key}=20:20.");
        }
    }

    // SECONDS: a decimal number of seconds (0 turns the watch or the reconciler off where allowed).
    private static void SetSeconds(string key, string value, bool allowZero, List<string> errors, Action<TimeSpan> set)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && (seconds > 0 || (allowZero && seconds == 0)) && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            set(TimeSpan.FromSeconds(seconds));
            return;
        }

        errors.Add(allowZero
            ? $"{key}: '{value}' is not a number of seconds of 0 or more; give e.g. {key}=5 (0 turns it off)."
            : $"{key}: '{value}' is not a positive number of seconds; give e.g. {key}=120.");
    }

    private static bool? ParseBoolean(string key, string value, List<string> errors)
    {
        if (TryParseBoolean(value, out var result))
        {
            return result;
        }

        errors.Add($"{key}: '{value}' is not a boolean; give {AcceptedBooleans}.");
        return null;
    }
}
