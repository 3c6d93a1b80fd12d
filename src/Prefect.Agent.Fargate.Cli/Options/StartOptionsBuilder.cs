using System.Globalization;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Cli.Options;

/// <summary>
/// Maps the command line of <c>start</c>/<c>validate</c> to <see cref="AgentOptions"/>, the way Prefect 0.15's
/// <c>prefect agent fargate start</c> built its <c>FargateAgent</c>, with the fixes of reference item 13.
/// </summary>
/// <remarks>
/// Only what the command line gives is set: everything else stays unset so that the library applies the original's
/// environment fallbacks when the agent is constructed. Pure: no environment, no I/O.
/// </remarks>
internal static class StartOptionsBuilder
{
    /// <summary>Constructor arguments of the original that a trailing <c>key=value</c> item sets.</summary>
    public static readonly IReadOnlyList<string> ConstructorArguments =
    [
        "agent_config_id", "name", "max_polls", "agent_address", "no_cloud_logs", "launch_type", "aws_access_key_id",
        "aws_secret_access_key", "aws_session_token", "region_name", "botocore_config", "enable_task_revisions",
        "use_external_kwargs", "external_kwargs_s3_bucket", "external_kwargs_s3_key",

        // .NET-only AgentOptions the original did not have: how many runs deploy at once, whether the client-side ECS
        // rate limits (AWS's default quotas) apply (off for accounts with raised quotas or for load tests), and whether
        // the families are listed once (off when the IAM policy lacks ecs:ListTaskDefinitionFamilies).
        "max_concurrent_deployments", "ecs_rate_limits", "list_task_definition_families",

        // .NET-only: the client-side ECS rate limits' share of the account, headroom, and each bucket as BURST:RATE.
        "ecs_rate_share", "ecs_rate_headroom", "ecs_rate_cluster_modify", "ecs_rate_task_definition_modify",
        "ecs_rate_describe_and_list", "ecs_rate_fargate_launch", "ecs_rate_fargate_run_task",
        "deployment_retry_timeout", "capacity_retries",
    ];

    // The original passed these as separate keyword arguments or Prefect config, so a trailing item of the same name
    // crashed or silently replaced a flag's value with a raw string: we point at the flag instead.
    private static readonly Dictionary<string, string> FlagOnlyArguments = new(StringComparer.Ordinal)
    {
        ["labels"] = "--label/-l",
        ["label"] = "--label/-l",
        ["env_vars"] = "--env/-e",
        ["env"] = "--env/-e",
        ["key"] = "--key/-k",
        ["api"] = "--api/-a",
        ["token"] = "--token/-t",
        ["tenant_id"] = "--tenant-id",
        ["log_level"] = "--log-level",
    };

    private static readonly string AcceptedBooleans = "true, false, 1 or 0 (any case)";

    /// <summary>Builds the options.</summary>
    /// <param name="arguments">The parsed command line.</param>
    /// <returns>The options, ready for <see cref="FargateAgent"/>.</returns>
    /// <exception cref="UsageException">Something on the command line is wrong; every problem is listed.</exception>
    public static AgentOptions Build(StartArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var errors = new List<string>();
        var options = new AgentOptions
        {
            ApiKey = NullIfEmpty(arguments.Key),
            TenantId = NullIfEmpty(arguments.TenantId),
            AgentToken = NullIfEmpty(arguments.Token),
            AgentConfigId = NullIfEmpty(arguments.AgentConfigId),
            Name = NullIfEmpty(arguments.Name),
            AgentAddress = NullIfEmpty(arguments.AgentAddress),

            // The original's flag defaulted to None, so leaving it out lets PREFECT__CLOUD__SEND_FLOW_RUN_LOGS decide.
            NoCloudLogs = arguments.NoCloudLogs ? true : null,

            // The CLI of the original de-duplicated and sorted the labels (Python's code-point order).
            Labels = arguments.Labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        };

        if (!string.IsNullOrEmpty(arguments.Api))
        {
            if (Uri.TryCreate(arguments.Api, UriKind.Absolute, out var api) && (api.Scheme == Uri.UriSchemeHttp || api.Scheme == Uri.UriSchemeHttps))
            {
                options.ApiUrl = api;
            }
            else
            {
                errors.Add($"--api: '{arguments.Api}' is not an absolute http(s) URL; give e.g. --api http://localhost:4200 or --api https://api.prefect.io.");
            }
        }

        if (!string.IsNullOrEmpty(arguments.Backend))
        {
            options.Backend = arguments.Backend.Trim().ToUpperInvariant() switch
            {
                "SERVER" => PrefectBackend.Server,
                "CLOUD" => PrefectBackend.Cloud,
                _ => null,
            };
            if (options.Backend is null)
            {
                errors.Add($"--backend: '{arguments.Backend}' is neither server nor cloud; give --backend server for Prefect Server, --backend cloud for Prefect Cloud.");
            }
        }

        if (arguments.MaxPolls is { } maxPolls)
        {
            SetMaxPolls(options, "--max-polls", maxPolls, errors);
        }

        if (arguments.LogLevel is { } logLevel && !AgentLogLevel.TryParse(logLevel, out _))
        {
            errors.Add($"--log-level: '{logLevel}' is not one of {string.Join(", ", AgentLogLevel.Names)} (any case).");
        }

        foreach (var item in arguments.Env)
        {
            var separator = item.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                errors.Add($"--env: '{item}' has no '='; give KEY=VALUE, e.g. --env {item}=value.");
                continue;
            }

            if (separator == 0)
            {
                errors.Add($"--env: '{item}' has no variable name before '='; give KEY=VALUE.");
                continue;
            }

            // Split on the first '=' only, as the original: X=1=2 sets X to "1=2".
            options.EnvVars[item[..separator]] = item[(separator + 1)..];
        }

        foreach (var item in arguments.Trailing)
        {
            ApplyTrailingItem(options, item, errors);
        }

        if (errors.Count > 0)
        {
            throw new UsageException(errors);
        }

        return options;
    }

    /// <summary>Parses a boolean the way the fixed CLI does: true/false/1/0 in any case.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The boolean.</param>
    /// <returns>Whether the text is one of the accepted values.</returns>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRUE":
            case "1":
                value = true;
                return true;
            case "FALSE":
            case "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static void ApplyTrailingItem(AgentOptions options, string item, List<string> errors)
    {
        // Only a LEADING "--" is removed: the original removed every "--", which corrupted values such as a--b.
        var text = item.StartsWith("--", StringComparison.Ordinal) ? item[2..] : item;
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            errors.Add(item.StartsWith('-')
                ? $"Unknown option '{item}'. ECS settings and constructor arguments are given as key=value or --key=value (e.g. cpu=256); see 'start --help'."
                : $"Unexpected argument '{item}': extra arguments must be key=value or --key=value (e.g. cpu=256 or launch_type=EC2).");
            return;
        }

        var key = text[..separator];
        var value = text[(separator + 1)..];
        if (key.Length == 0 || key.StartsWith('-'))
        {
            errors.Add($"Unexpected argument '{item}': the key before '=' is missing or starts with '-'; give key=value or --key=value.");
            return;
        }

        if (FlagOnlyArguments.TryGetValue(key, out var flag))
        {
            errors.Add($"'{key}' cannot be given as key=value; use {flag} instead.");
            return;
        }

        if (!ApplyConstructorArgument(options, key, value, errors))
        {
            var underscored = key.Replace('-', '_');
            if (!string.Equals(underscored, key, StringComparison.Ordinal) && ConstructorArguments.Contains(underscored))
            {
                errors.Add($"Unknown argument '{key}': did you mean '{underscored}={value}'? Constructor arguments keep the original's snake_case names.");
                return;
            }

            // Any other key is one of the original's **kwargs; the library reads the string as a Python literal or
            // JSON (cpu=256, networkConfiguration="{'awsvpcConfiguration': {...}}") and applies its key lists.
            options.Kwargs[key] = JsonValue.Create(value);
        }
    }

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
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share > 0 && share <= 1)
                {
                    options.EcsRateLimits.AccountShare = share;
                }
                else
                {
                    errors.Add($"ecs_rate_share: '{value}' is not a number greater than 0 and at most 1; give e.g. ecs_rate_share=0.5 for two agents on one account.");
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

    private static void SetMaxPolls(AgentOptions options, string name, int value, List<string> errors)
    {
        if (value < 0)
        {
            errors.Add($"{name}: {value} is negative; give 0 or more (0 registers and exits without polling).");
            return;
        }

        options.MaxPolls = value;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
