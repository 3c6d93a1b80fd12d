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
internal static partial class StartOptionsBuilder
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

        // .NET-only: the client-side ECS rate limits' share of the account, headroom, slow start, and each bucket as BURST:RATE.
        "ecs_rate_share", "ecs_rate_headroom", "ecs_rate_slow_start", "ecs_rate_cluster_modify", "ecs_rate_task_definition_modify",
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
