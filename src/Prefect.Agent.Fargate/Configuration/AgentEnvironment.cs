using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>
/// The ONE place where the original's environment fallbacks are applied (reference section 1; the table is in
/// <c>docs/environment.md</c>). Kwargs' per-key fallbacks (<c>cpu</c>, <c>containerDefinitions_*</c>, ...) are the
/// kwargs parser's, fed with the same lookup.
/// </summary>
internal static class AgentEnvironment
{
    public const string AgentName = "PREFECT__CLOUD__AGENT__NAME";
    public const string AgentLabels = "PREFECT__CLOUD__AGENT__LABELS";
    public const string AgentEnvVars = "PREFECT__CLOUD__AGENT__ENV_VARS";
    public const string AgentAddress = "PREFECT__CLOUD__AGENT__AGENT_ADDRESS";
    public const string SendFlowRunLogs = "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS";
    public const string Api = "PREFECT__CLOUD__API";
    public const string Backend = "PREFECT__BACKEND";
    public const string ApiKey = "PREFECT__CLOUD__API_KEY";
    public const string TenantId = "PREFECT__CLOUD__TENANT_ID";
    public const string AgentAuthToken = "PREFECT__CLOUD__AGENT__AUTH_TOKEN";
    public const string AuthToken = "PREFECT__CLOUD__AUTH_TOKEN";
    public const string LoggingLevel = "PREFECT__LOGGING__LEVEL";
    public const string AwsAccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string AwsSecretAccessKey = "AWS_SECRET_ACCESS_KEY";
    public const string AwsSessionToken = "AWS_SESSION_TOKEN";
    public const string RegionName = "REGION_NAME";

    public const string DefaultAgentName = "agent";
    public const string DefaultLoggingLevel = "INFO";
    public static readonly Uri DefaultServerApi = new("http://localhost:4200");
    public static readonly Uri DefaultCloudApi = new("https://api.prefect.io");

    /// <summary>Returns a new, resolved snapshot of <paramref name="options"/>; the caller's object is never changed.</summary>
    /// <param name="options">The user's options.</param>
    /// <param name="environment">The environment lookup (<see cref="Environment.GetEnvironmentVariable(string)"/> outside tests).</param>
    /// <returns>The resolved copy.</returns>
    public static AgentOptions Resolve(AgentOptions options, Func<string, string?> environment) =>
        Resolve(options, environment, problems: null, PythonLiteral.Parse);

    /// <summary>Returns a new, resolved snapshot and reports environment values that cannot be read.</summary>
    /// <param name="options">The user's options.</param>
    /// <param name="environment">The environment lookup.</param>
    /// <param name="problems">Receives one message per unreadable variable (name, value unless secret, fix).</param>
    /// <param name="parseLiteral">The Python-literal parser (<see cref="PythonLiteral.Parse"/> outside tests).</param>
    /// <returns>The resolved copy; an unreadable variable is treated as unset.</returns>
    public static AgentOptions Resolve(
        AgentOptions options,
        Func<string, string?> environment,
        ICollection<string>? problems,
        Func<string, JsonNode?> parseLiteral)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(parseLiteral);
        var env = (string name) => Falsy(environment(name));
        var resolved = AgentOptionsSnapshot.Copy(options);

        resolved.Name = Falsy(resolved.Name) ?? env(AgentName) ?? DefaultAgentName;

        if (resolved.Labels.Count == 0 && env(AgentLabels) is { } labels)
        {
            resolved.Labels = ParseLabels(labels, problems, parseLiteral);
        }

        if (resolved.EnvVars.Count == 0 && env(AgentEnvVars) is { } envVars)
        {
            resolved.EnvVars = ParseEnvVars(envVars, problems, parseLiteral);
        }

        resolved.AgentAddress = Falsy(resolved.AgentAddress) ?? env(AgentAddress);

        if (resolved.NoCloudLogs is null)
        {
            resolved.NoCloudLogs = env(SendFlowRunLogs) switch
            {
                null => false,
                var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => false,
                var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => true,
                var v => Problem(problems, false, $"{SendFlowRunLogs} must be true or false (any case), but was '{v}'. Set it to true or false, or set NoCloudLogs."),
            };
        }

        if (resolved.Backend is null)
        {
            resolved.Backend = env(Backend) switch
            {
                null => PrefectBackend.Cloud,
                var v when v.Equals("server", StringComparison.OrdinalIgnoreCase) => PrefectBackend.Server,
                var v when v.Equals("cloud", StringComparison.OrdinalIgnoreCase) => PrefectBackend.Cloud,
                var v => Problem(problems, PrefectBackend.Cloud, $"{Backend} must be server or cloud, but was '{v}'. Set it to server or cloud, or set Backend."),
            };
        }

        if (resolved.ApiUrl is null)
        {
            if (env(Api) is { } api)
            {
                if (Uri.TryCreate(api, UriKind.Absolute, out var parsed))
                {
                    resolved.ApiUrl = parsed;
                }
                else
                {
                    Problem(problems, 0, $"{Api} must be an absolute http(s) URL, but was '{api}'. Set it like http://localhost:4200, or set ApiUrl.");
                }
            }

            resolved.ApiUrl ??= resolved.Backend == PrefectBackend.Server ? DefaultServerApi : DefaultCloudApi;
        }

        resolved.ApiKey = Falsy(resolved.ApiKey) ?? env(ApiKey);
        resolved.TenantId = Falsy(resolved.TenantId) ?? env(TenantId);
        resolved.AgentToken = Falsy(resolved.AgentToken) ?? env(AgentAuthToken) ?? env(AuthToken);
        resolved.FlowLoggingLevel = Falsy(resolved.FlowLoggingLevel) ?? env(LoggingLevel) ?? DefaultLoggingLevel;
        resolved.AwsAccessKeyId = Falsy(resolved.AwsAccessKeyId) ?? env(AwsAccessKeyId);
        resolved.AwsSecretAccessKey = Falsy(resolved.AwsSecretAccessKey) ?? env(AwsSecretAccessKey);
        resolved.AwsSessionToken = Falsy(resolved.AwsSessionToken) ?? env(AwsSessionToken);
        resolved.RegionName = Falsy(resolved.RegionName) ?? env(RegionName);
        return resolved;
    }

    // The original tested these with Python truthiness: an empty string is as good as unset.
    private static string? Falsy(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static T Problem<T>(ICollection<string>? problems, T fallback, string message)
    {
        problems?.Add(message);
        return fallback;
    }

    private static List<string> ParseLabels(string text, ICollection<string>? problems, Func<string, JsonNode?> parseLiteral)
    {
        var fix = $"Set {AgentLabels} to a Python list of strings such as ['aws', 'staging'], or set Labels.";
        JsonNode? node;
        try
        {
            node = parseLiteral(text);
        }
        catch (FormatException)
        {
            return Problem(problems, new List<string>(), $"{AgentLabels} is not a Python list literal, but was '{text}'. {fix}");
        }

        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            return Problem(problems, new List<string>(), $"{AgentLabels} is not a list, but was '{text}'. {fix}");
        }

        return array.Select(ScalarText).ToList();
    }

    // Values of ENV_VARS may be secrets: messages name the variable but never echo its value.
    private static Dictionary<string, string> ParseEnvVars(string text, ICollection<string>? problems, Func<string, JsonNode?> parseLiteral)
    {
        var fix = $"Set {AgentEnvVars} to a Python dict of strings such as {{'KEY': 'value'}}, or set EnvVars.";
        JsonNode? node;
        try
        {
            node = parseLiteral(text);
        }
        catch (FormatException)
        {
            return Problem(problems, new Dictionary<string, string>(StringComparer.Ordinal), $"{AgentEnvVars} is not a Python dict literal (value not shown: it may hold secrets). {fix}");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return result;
        }

        if (node is not JsonObject obj)
        {
            return Problem(problems, result, $"{AgentEnvVars} is not a dict (value not shown: it may hold secrets). {fix}");
        }

        foreach (var (key, value) in obj)
        {
            result[key] = ScalarText(value);
        }

        return result;
    }

    private static string ScalarText(JsonNode? node) => node switch
    {
        null => "None",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
