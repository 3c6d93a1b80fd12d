using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>
/// Parses the original's <c>botocore_config</c> dictionary, as JSON or as a Python literal. Supported keys:
/// <c>retries.max_attempts</c>, <c>retries.total_max_attempts</c>, <c>retries.mode</c>, <c>connect_timeout</c>,
/// <c>read_timeout</c> and <c>max_pool_connections</c>. Other botocore settings (<c>proxies</c>,
/// <c>signature_version</c>, <c>region_name</c>, <c>s3</c>, <c>user_agent</c>, ...) are not supported and are
/// refused, so a setting never silently has no effect.
/// </summary>
/// <remarks>
/// botocore's <c>retries.max_attempts</c> counts retries <em>after</em> the first request (0: no retry), whereas
/// <c>retries.total_max_attempts</c> counts every attempt, the first included, and wins when both are given.
/// <see cref="BotocoreConfig.MaxAttempts"/> is the total, so <c>max_attempts: 10</c> becomes 11.
/// </remarks>
internal static class BotocoreConfigParser
{
    private const string Supported = "retries (max_attempts, total_max_attempts, mode), connect_timeout, read_timeout, max_pool_connections";

    /// <summary>Parses the dictionary text.</summary>
    /// <param name="text">JSON or a Python dict literal.</param>
    /// <returns>The configuration; keys not given keep their defaults.</returns>
    /// <exception cref="FormatException">Not a dictionary, an unsupported key, or a bad value.</exception>
    public static BotocoreConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonNode? node;
        if (!PythonLiteral.TryParse(text, out node))
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"botocore_config must be a dictionary, as JSON or a Python literal, e.g. {{\"retries\": {{\"max_attempts\": 10, \"mode\": \"standard\"}}}}; could not read it ({ex.Message}).", ex);
            }
        }

        if (node is not JsonObject obj)
        {
            throw new FormatException("botocore_config must be a dictionary, e.g. {\"retries\": {\"max_attempts\": 10, \"mode\": \"standard\"}, \"connect_timeout\": 5}.");
        }

        return FromJson(obj);
    }

    /// <summary>Reads the dictionary form already parsed.</summary>
    /// <param name="dictionary">The dictionary.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FormatException">An unsupported key or a bad value.</exception>
    public static BotocoreConfig FromJson(JsonObject dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var config = new BotocoreConfig();
        foreach (var (key, value) in dictionary)
        {
            switch (key)
            {
                case "retries":
                    ReadRetries(value, config);
                    break;
                case "connect_timeout":
                    config.ConnectTimeout = Seconds(key, value);
                    break;
                case "read_timeout":
                    config.ReadTimeout = Seconds(key, value);
                    break;
                case "max_pool_connections":
                    config.MaxPoolConnections = Integer(key, value, minimum: 1);
                    break;
                default:
                    throw new FormatException($"botocore_config key '{key}' is not supported; supported keys: {Supported}.");
            }
        }

        return config;
    }

    private static void ReadRetries(JsonNode? value, BotocoreConfig config)
    {
        if (value is not JsonObject retries)
        {
            throw new FormatException("botocore_config key 'retries' must be a dictionary, e.g. {\"max_attempts\": 10, \"mode\": \"standard\"}.");
        }

        int? total = null;
        int? retryCount = null;
        foreach (var (key, item) in retries)
        {
            switch (key)
            {
                case "max_attempts":
                    retryCount = Integer("retries.max_attempts", item, minimum: 0);
                    break;
                case "total_max_attempts":
                    total = Integer("retries.total_max_attempts", item, minimum: 1);
                    break;
                case "mode":
                    config.RetryMode = (KwargValue.TryGetString(item, out var mode) ? mode : null) switch
                    {
                        "legacy" => AwsRetryMode.Legacy,
                        "standard" => AwsRetryMode.Standard,
                        "adaptive" => AwsRetryMode.Adaptive,
                        _ => throw new FormatException($"botocore_config key 'retries.mode' must be 'legacy', 'standard' or 'adaptive' (got {item?.ToJsonString() ?? "None"})."),
                    };
                    break;
                default:
                    throw new FormatException($"botocore_config key 'retries.{key}' is not supported; supported keys: {Supported}.");
            }
        }

        if (total is not null)
        {
            config.MaxAttempts = total.Value;
        }
        else if (retryCount is not null)
        {
            config.MaxAttempts = retryCount.Value + 1;
        }
    }

    private static int Integer(string key, JsonNode? value, int minimum)
    {
        if (!KwargValue.IsInteger(value, out var digits)
            || !int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            || number < minimum)
        {
            throw new FormatException($"botocore_config key '{key}' must be an integer >= {minimum} (got {value?.ToJsonString() ?? "None"}).");
        }

        return number;
    }

    private static TimeSpan Seconds(string key, JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new FormatException($"botocore_config key '{key}' must be a number of seconds > 0, e.g. 5 or 2.5 (got {value?.ToJsonString() ?? "None"}).");
    }
}
