using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>The flow container definition and its run-time overrides (reference 3.6 and 3.7): the environment contract flow containers read.</summary>
internal static class FlowContainer
{
    /// <summary>The container name the overrides address.</summary>
    public const string Name = "flow";

    /// <summary>The environment variable of the API key (ours, issue 4: the original never passed it).</summary>
    public const string ApiKeyVariable = "PREFECT__CLOUD__API_KEY";

    private static readonly string[] OptionalKeys = ["secrets", "mountPoints", "logConfiguration", "repositoryCredentials"];

    /// <summary>Builds the container definition.</summary>
    /// <remarks>
    /// With <see cref="AgentOptions.ApiKeySecretArn"/> the API key is an ECS <c>secrets</c> entry: the task's execution
    /// role (<c>executionRoleArn</c>) must be allowed <c>secretsmanager:GetSecretValue</c> (or <c>ssm:GetParameters</c>)
    /// on it, and <c>kms:Decrypt</c> for a customer-managed key, or the task stops before the flow starts.
    /// </remarks>
    /// <param name="options">The agent options.</param>
    /// <param name="image">The image.</param>
    /// <param name="command">The flow-run command.</param>
    /// <param name="containerKwargs">The per-run container kwargs (read, not mutated).</param>
    /// <param name="flowName">The flow name (for error messages).</param>
    /// <returns>The definition.</returns>
    public static JsonObject Definition(AgentOptions options, string image, string command, JsonObject containerKwargs, string flowName)
    {
        var environment = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            environment.Add((JsonNode)new JsonObject { ["name"] = name, ["value"] = value });
            names.Add(name);
        }

        var logToCloud = options.NoCloudLogs is true ? "false" : "true";
        Add("PREFECT__BACKEND", options.Backend == PrefectBackend.Server ? "server" : "cloud");
        Add("PREFECT__CLOUD__API", ApiUrl(options));
        Add("PREFECT__CLOUD__AGENT__LABELS", PythonRepr.List(options.Labels));
        Add("PREFECT__CLOUD__USE_LOCAL_SECRETS", "false");
        Add("PREFECT__CLOUD__SEND_FLOW_RUN_LOGS", logToCloud);
        Add("PREFECT__LOGGING__LEVEL", string.IsNullOrEmpty(options.FlowLoggingLevel) ? "INFO" : options.FlowLoggingLevel);
        Add("PREFECT__ENGINE__FLOW_RUNNER__DEFAULT_CLASS", "prefect.engine.cloud.CloudFlowRunner");
        Add("PREFECT__ENGINE__TASK_RUNNER__DEFAULT_CLASS", "prefect.engine.cloud.CloudTaskRunner");
        Add("PREFECT__LOGGING__LOG_TO_CLOUD", logToCloud);

        // The original appends env_vars without de-duplicating them against the fixed ones (kept: existing
        // deployments read the last value), and drops container entries whose name is taken.
        // With ApiKeySecretArn the key comes from secrets: ECS must not also get a plain variable of that name.
        var keyFromSecret = !string.IsNullOrEmpty(options.ApiKeySecretArn);
        if (keyFromSecret)
        {
            names.Add(ApiKeyVariable);
        }

        foreach (var (key, value) in options.EnvVars)
        {
            if (!(keyFromSecret && key == ApiKeyVariable))
            {
                Add(key, value);
            }
        }

        foreach (var entry in ListOf(containerKwargs, "environment", flowName))
        {
            if (entry is not JsonObject variable || !KwargValue.TryGetString(variable["name"], out var name))
            {
                throw new DeploymentPlanException(
                    $"Container environment of flow '{flowName}' has an entry without a string \"name\": {entry?.ToJsonString() ?? "None"}. Give each entry as {{\"name\": \"VAR\", \"value\": \"text\"}}.");
            }

            if (!names.Contains(name))
            {
                environment.Add(variable.DeepClone());
            }
        }

        var definition = new JsonObject
        {
            ["name"] = Name,
            ["image"] = image,
            ["command"] = new JsonArray("/bin/sh", "-c", command),
            ["environment"] = environment,
            ["essential"] = true,
        };
        AddOptional(definition, containerKwargs, options.ApiKeySecretArn, flowName);
        return definition;
    }

    /// <summary>Adds <c>secrets</c>, <c>mountPoints</c>, <c>logConfiguration</c>, <c>repositoryCredentials</c> when truthy, in that order.</summary>
    /// <param name="definition">The definition to complete.</param>
    /// <param name="containerKwargs">The container kwargs.</param>
    /// <param name="apiKeySecretArn">When set, the API key secret appended to <c>secrets</c>.</param>
    /// <param name="flowName">The flow name (for error messages).</param>
    public static void AddOptional(JsonObject definition, JsonObject containerKwargs, string? apiKeySecretArn, string flowName)
    {
        foreach (var key in OptionalKeys)
        {
            var value = containerKwargs[key]?.DeepClone();
            if (key == "secrets" && !string.IsNullOrEmpty(apiKeySecretArn))
            {
                var secrets = new JsonArray();
                foreach (var secret in ListOf(containerKwargs, "secrets", flowName))
                {
                    if (!(secret is JsonObject s && KwargValue.TryGetString(s["name"], out var n) && n == ApiKeyVariable))
                    {
                        secrets.Add(secret?.DeepClone());
                    }
                }

                secrets.Add((JsonNode)new JsonObject { ["name"] = ApiKeyVariable, ["valueFrom"] = apiKeySecretArn });
                value = secrets;
            }

            if (!KwargValue.IsFalsy(value))
            {
                definition[key] = value;
            }
        }
    }

    /// <summary>The RunTask <c>overrides</c>: the original's three variables, then the API key and tenant (issue 4).</summary>
    /// <param name="options">The agent options.</param>
    /// <param name="run">The run.</param>
    /// <param name="registeredTenantId">
    /// The tenant the backend answered at registration: given as <c>PREFECT__CLOUD__TENANT_ID</c> with an API key (plain
    /// or from <see cref="AgentOptions.ApiKeySecretArn"/>) when <see cref="AgentOptions.TenantId"/> is not set.
    /// </param>
    /// <returns>The overrides.</returns>
    public static JsonObject Overrides(AgentOptions options, FlowRun run, string? registeredTenantId = null)
    {
        var environment = new JsonArray
        {
            (JsonNode)Variable("PREFECT__CLOUD__AUTH_TOKEN", options.AgentToken ?? string.Empty),
            (JsonNode)Variable("PREFECT__CONTEXT__FLOW_RUN_ID", run.Id),
            (JsonNode)Variable("PREFECT__CONTEXT__FLOW_ID", run.Flow.Id),
        };
        if (!string.IsNullOrEmpty(options.ApiKey) && string.IsNullOrEmpty(options.ApiKeySecretArn))
        {
            environment.Add((JsonNode)Variable(ApiKeyVariable, options.ApiKey));
        }

        var hasApiKey = !string.IsNullOrEmpty(options.ApiKey) || !string.IsNullOrEmpty(options.ApiKeySecretArn);
        var tenantId = !string.IsNullOrEmpty(options.TenantId) ? options.TenantId : hasApiKey ? registeredTenantId : null;
        if (!string.IsNullOrEmpty(tenantId))
        {
            environment.Add((JsonNode)Variable("PREFECT__CLOUD__TENANT_ID", tenantId));
        }

        return new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject { ["name"] = Name, ["environment"] = environment }),
        };
    }

    /// <summary>The <c>PREFECT__CLOUD__API</c> value: the configured URL without a trailing slash, else the backend's default.</summary>
    /// <param name="options">The agent options.</param>
    /// <returns>The URL text.</returns>
    public static string ApiUrl(AgentOptions options)
    {
        var url = options.ApiUrl?.OriginalString.TrimEnd('/');
        if (!string.IsNullOrEmpty(url))
        {
            return url;
        }

        return options.Backend == PrefectBackend.Server ? "http://localhost:4200" : "https://api.prefect.io";
    }

    private static JsonObject Variable(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static JsonArray ListOf(JsonObject kwargs, string key, string flowName)
    {
        var value = kwargs[key];
        if (KwargValue.IsFalsy(value))
        {
            return [];
        }

        return value as JsonArray ?? throw new DeploymentPlanException(
            $"Container {key} of flow '{flowName}' must be a list, got {value!.ToJsonString()}. Fix containerDefinitions[0].{key} in the agent kwargs, the containerDefinitions_{key} environment variable or the flow's external kwargs.");
    }
}
