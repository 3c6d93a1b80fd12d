using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// The default <see cref="IFlowRunSource"/>: Prefect Server or Cloud over GraphQL, sending the same operations as
/// Prefect 0.15's agent (see <c>PrefectQueries</c>), with retries, typed errors and batched log writes.
/// </summary>
internal sealed partial class PrefectFlowRunSource : IFlowRunSource, IFlowRunMonitor, IDisposable, IAsyncDisposable
{
    /// <summary>The most ids Prefect Server's <c>get_runs_in_queue</c> returns (<c>queued_runs_returned_limit</c>).</summary>
    public const int ServerPageSize = FlowRunQuery.ServerPageSize;

    private readonly PrefectGraphQLClient client;
    private readonly PrefectBackend backend;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly PrefectBatcher logs;
    private readonly PrefectBatcher states;
    private readonly TimeSpan readAheadFrom;

    private PrefectFlowRunSource(PrefectGraphQLClient client, PrefectBackend backend, PrefectClientSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        this.client = client;
        this.backend = backend;
        this.timeProvider = timeProvider;
        this.logger = logger;
        logs = new PrefectBatcher("run log(s)", SendLogsAsync, settings.LogFlushInterval, settings.LogBatchSize, timeProvider, logger);
        states = new PrefectBatcher("flow run state(s)", SendStatesAsync, TimeSpan.Zero, settings.StateBatchSize, timeProvider, logger);
        readAheadFrom = settings.ReadAheadFrom;
    }

    /// <summary>Gets the client (tests read its headers state).</summary>
    internal PrefectGraphQLClient Client => client;

    /// <summary>Creates the source.</summary>
    /// <param name="options">The agent's resolved options (API URL, backend, key, tenant, token, timeout).</param>
    /// <param name="httpClient">The HTTP client; <see langword="null"/>: one of its own.</param>
    /// <returns>The source.</returns>
    public static PrefectFlowRunSource Create(AgentOptions options, HttpClient? httpClient = null) =>
        Create(options, httpClient, new PrefectClientSettings { RequestTimeout = options.ApiRequestTimeout });

    /// <summary>Creates the source with explicit client settings.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <param name="httpClient">The HTTP client; <see langword="null"/>: one of its own.</param>
    /// <param name="settings">Timeouts, retries and log batching.</param>
    /// <returns>The source.</returns>
    internal static PrefectFlowRunSource Create(AgentOptions options, HttpClient? httpClient, PrefectClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        var backend = options.Backend ?? PrefectBackend.Cloud;
        var apiUrl = options.ApiUrl ?? new Uri(backend == PrefectBackend.Server ? "http://localhost:4200" : "https://api.prefect.io");
        var logger = options.LoggerFactory.CreateLogger("Prefect.Agent.Fargate.Prefect");
        var client = new PrefectGraphQLClient(apiUrl, new PrefectCredentials(options.ApiKey, options.AgentToken), options.TenantId, httpClient, settings, options.TimeProvider, logger);
        return new PrefectFlowRunSource(client, backend, settings, options.TimeProvider, logger);
    }

    /// <inheritdoc/>
    public async Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await RegisterCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (PrefectApiException ex) when (BackendHint(ex.Errors) is { } hint)
        {
            throw new PrefectApiException($"{ex.Message} {hint}", ex);
        }
        catch (PrefectAuthenticationException ex) when (backend == PrefectBackend.Server)
        {
            // Prefect Server has no authentication: a refusal means the API is Prefect Cloud.
            throw new PrefectAuthenticationException($"{ex.Message} {BackendHint(PrefectBackend.Cloud)}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The original's "Error while contacting API at <api>", plus where the address came from.
            throw new PrefectApiException(
                $"Error while contacting API at {client.ApiUrl}: {ex.Message} Check AgentOptions.ApiUrl "
                + "(PREFECT__CLOUD__API, CLI --api) and that the Prefect backend is running and reachable.",
                ex);
        }
    }

    private async Task<AgentRegistration> RegisterCoreAsync(AgentRegistrationRequest request, CancellationToken cancellationToken)
    {
        var credentials = client.Credentials;
        if (backend == PrefectBackend.Cloud && credentials.ApiKey is null)
        {
            await VerifyRunnerTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        if (request.AgentConfigId is { Length: > 0 } configId)
        {
            logger.RegisteringAgentWithConfig(configId);
        }
        else
        {
            logger.RegisteringAgent();
        }

        await ResolveTenantAsync(cancellationToken).ConfigureAwait(false);
        var labels = new JsonArray();
        foreach (var label in request.Labels)
        {
            labels.Add((JsonNode?)label);
        }

        var input = new JsonObject
        {
            ["type"] = request.AgentType,
            ["name"] = request.Name,
            ["labels"] = labels,
            ["tenant_id"] = client.TenantId,
            ["agent_config_id"] = string.IsNullOrEmpty(request.AgentConfigId) ? null : request.AgentConfigId,
        };
        var data = await client.ExecuteAsync("register_agent", PrefectQueries.RegisterAgent, new JsonObject { ["input"] = input }, cancellationToken).ConfigureAwait(false);
        var agentId = GetString(data["register_agent"]?["id"]);
        if (string.IsNullOrEmpty(agentId))
        {
            throw new PrefectApiException("Error registering agent: the Prefect API returned no agent id for 'register_agent'.");
        }

        logger.RegistrationSuccessful();
        logger.AssignedAgentId(agentId);
        JsonNode? settings = null;
        if (!string.IsNullOrEmpty(request.AgentConfigId))
        {
            var config = await client.ExecuteAsync("agent_config", PrefectQueries.AgentConfig(request.AgentConfigId), null, cancellationToken).ConfigureAwait(false);
            settings = (config["agent_config"] as JsonArray) is { Count: > 0 } configs ? configs[0]?["settings"]?.DeepClone() : null;
        }

        client.AgentId = agentId;
        logger.SendingTestQuery(client.ApiUrl.ToString());
        await client.ExecuteAsync("hello", PrefectQueries.Hello, null, cancellationToken).ConfigureAwait(false);
        return new AgentRegistration { AgentId = agentId, TenantId = client.TenantId, AgentConfigSettings = settings };
    }

    /// <inheritdoc/>
    public async Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var data = await client.ExecuteAsync("get_runs_in_queue", PrefectQueries.GetRunsInQueue, new JsonObject { ["input"] = QueueInput(query) }, cancellationToken).ConfigureAwait(false);
        return await ReadPageAsync(QueuedIds(data), query, readAhead: null, cancellationToken).ConfigureAwait(false);
    }

    private JsonObject QueueInput(FlowRunQuery query)
    {
        var labels = new JsonArray();
        foreach (var label in query.Labels)
        {
            labels.Add((JsonNode?)label);
        }

        return new JsonObject
        {
            ["before"] = PrefectTime.Format(timeProvider.GetUtcNow().AddSeconds(10)),
            ["labels"] = labels,
            ["tenant_id"] = client.TenantId,
        };
    }

    private static List<string> QueuedIds(JsonObject data) =>
        (data["get_runs_in_queue"]?["flow_run_ids"] as JsonArray ?? []).Select(GetString).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The page of the ids the queue answered: the runs the agent does not hold, at most <see cref="FlowRunQuery.MaxRuns"/>,
    /// with their metadata: taken from <paramref name="readAhead"/> (rows read while the queue was asked) where it has
    /// them, from the original's metadata query for the others.
    /// </summary>
    private async Task<FlowRunPage> ReadPageAsync(List<string> returned, FlowRunQuery query, Task<JsonArray?>? readAhead, CancellationToken cancellationToken)
    {
        var exclude = query.Exclude as ISet<string> ?? new HashSet<string>(query.Exclude, StringComparer.Ordinal);
        var ready = returned.Where(id => !exclude.Contains(id)).ToList();
        var skipped = returned.Count - ready.Count;
        var alreadySubmitting = skipped > 0 ? $" ({skipped} already being submitted: [{string.Join(", ", returned.Where(exclude.Contains))}])" : string.Empty;
        var take = ready.Take(Math.Max(0, query.MaxRunsNow)).ToList();
        var mayHaveMore = ready.Count > take.Count || returned.Count >= ServerPageSize;
        if (take.Count == 0)
        {
            logger.NoReadyFlowRuns(alreadySubmitting);
            return new FlowRunPage { Runs = [], MayHaveMore = mayHaveMore };
        }

        logger.FoundReadyFlowRuns(take.Count, string.Join(", ", take), alreadySubmitting);
        var wanted = take.ToHashSet(StringComparer.Ordinal);
        var rows = new List<JsonObject>(take.Count);
#pragma warning disable VSTHRD003 // The read-ahead is this source's own request, started by ClaimThenPollAsync.
        if (readAhead is not null && await ReadAheadRowsAsync(readAhead).ConfigureAwait(false) is { } ahead)
#pragma warning restore VSTHRD003
        {
            foreach (var row in ahead.OfType<JsonObject>())
            {
                if (GetString(row["id"]) is { } id && wanted.Remove(id))
                {
                    rows.Add(row);
                }
            }

            logger.MetadataReadAhead(rows.Count, take.Count);
        }

        var now = timeProvider.GetUtcNow();
        if (wanted.Count > 0)
        {
            logger.RetrievingMetadata(wanted.Count);
            var missing = take.Where(wanted.Contains).ToList();
            var metadata = await client.ExecuteAsync("flow_run", PrefectQueries.FlowRunMetadata(missing, PrefectTime.Format(now.AddSeconds(-3))), null, cancellationToken).ConfigureAwait(false);
            rows.AddRange((metadata["flow_run"] as JsonArray ?? []).OfType<JsonObject>());
        }

        var nowText = PrefectTime.Format(now);
        var runs = rows
            .Select(PrefectFlowRunReader.Read)
            .OrderBy(run => GetString(run.SerializedState?["start_time"]) ?? nowText, StringComparer.Ordinal)
            .ToList();
        return new FlowRunPage { Runs = runs, MayHaveMore = mayHaveMore };
    }

    /// <inheritdoc/>
    public Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return string.IsNullOrEmpty(log.FlowRunId) ? Task.CompletedTask : logs.WriteAsync(LogEntry(log), cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        logs.Abort();
        states.Abort();
        client.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await states.DisposeAsync().ConfigureAwait(false);
        await logs.DisposeAsync().ConfigureAwait(false);
        client.Dispose();
    }

    private static string? GetString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString();

    private static JsonObject LogEntry(FlowRunLog log)
    {
        // The original's field order: flow_run_id, name, message, level. The timestamp (not sent by the original) keeps
        // the line's own time now that lines may wait for a batch.
        var entry = new JsonObject
        {
            ["flow_run_id"] = log.FlowRunId,
            ["name"] = log.Name,
            ["message"] = log.Message,
            ["level"] = log.Level,
        };
        if (log.Timestamp is { } timestamp)
        {
            entry["timestamp"] = PrefectTime.Format(timestamp);
        }

        return entry;
    }

    private async Task SendLogsAsync(JsonArray entries, CancellationToken cancellationToken)
    {
        var data = await client.ExecuteAsync("write_run_logs", PrefectQueries.WriteRunLogs, new JsonObject { ["input"] = new JsonObject { ["logs"] = entries } }, cancellationToken).ConfigureAwait(false);
        if (data["write_run_logs"]?["success"] is not JsonValue success || !success.TryGetValue<bool>(out var ok) || !ok)
        {
            throw new PrefectApiException("Writing logs failed: the Prefect API answered 'write_run_logs' without success.");
        }
    }

    private static bool IsPrefectCloud(Uri apiUrl) =>
        apiUrl.Host.Equals("prefect.io", StringComparison.OrdinalIgnoreCase) || apiUrl.Host.EndsWith(".prefect.io", StringComparison.OrdinalIgnoreCase);

    private static string BackendHint(PrefectBackend answersLike) => answersLike == PrefectBackend.Server
        ? "set PREFECT__BACKEND=server (CLI --backend server, AgentOptions.Backend = PrefectBackend.Server)."
        : "It answers like Prefect Cloud: set PREFECT__BACKEND=cloud (CLI --backend cloud, AgentOptions.Backend = PrefectBackend.Cloud) and an API key.";

    // The first calls differ by backend: Cloud asks auth_info, which Prefect Server's schema lacks; Server asks
    // tenant, which Cloud's lacks. A schema error on one of them names the backend the API really is.
    private string? BackendHint(IReadOnlyList<PrefectApiError> errors)
    {
        var unknownField = errors.FirstOrDefault(e => e.Message.Contains("Cannot query field", StringComparison.Ordinal));
        if (unknownField is null)
        {
            return null;
        }

        return backend == PrefectBackend.Cloud && unknownField.Message.Contains("auth_info", StringComparison.Ordinal)
            ? $"The API at {client.ApiUrl} answers like Prefect Server (it has no auth_info): {BackendHint(PrefectBackend.Server)}"
            : backend == PrefectBackend.Server
                ? $"The API at {client.ApiUrl} does not answer like Prefect Server. {BackendHint(PrefectBackend.Cloud)}"
                : null;
    }

    private async Task VerifyRunnerTokenAsync(CancellationToken cancellationToken)
    {
        logger.VerifyingCloudAuthentication();
        var credentials = client.Credentials;
        if (credentials.AgentToken is null)
        {
            logger.AuthenticationFailed();
            throw new PrefectAuthenticationException(
                "No agent API token provided: Prefect Cloud needs an API key (AgentOptions.ApiKey, PREFECT__CLOUD__API_KEY or --key) or a RUNNER agent token (AgentOptions.AgentToken, PREFECT__CLOUD__AGENT__AUTH_TOKEN or --token)."
                + (IsPrefectCloud(client.ApiUrl) ? string.Empty : $" If {client.ApiUrl} is a Prefect Server, {BackendHint(PrefectBackend.Server)}"));
        }

        try
        {
            var data = await client.ExecuteAsync("auth_info", PrefectQueries.AuthInfoScope, null, cancellationToken).ConfigureAwait(false);
            var scope = GetString(data["auth_info"]?["api_token_scope"]);
            if (scope != "RUNNER")
            {
                throw credentials.Refused(client.ApiUrl, $"the token does not have a RUNNER scope (its scope is {scope ?? "unknown"})");
            }
        }
        catch (PrefectAuthenticationException)
        {
            logger.AuthenticationFailed();
            throw;
        }
    }

    private async Task ResolveTenantAsync(CancellationToken cancellationToken)
    {
        if (client.TenantId is not null)
        {
            return;
        }

        if (backend == PrefectBackend.Server)
        {
            var data = await client.ExecuteAsync("tenant", PrefectQueries.ServerTenant, null, cancellationToken).ConfigureAwait(false);
            client.TenantId = (data["tenant"] as JsonArray) is { Count: > 0 } tenants ? GetString(tenants[0]?["id"]) : null;
        }
        else if (client.Credentials.ApiKey is not null)
        {
            var data = await client.ExecuteAsync("auth_info", PrefectQueries.AuthInfoTenant, null, cancellationToken).ConfigureAwait(false);
            client.TenantId = GetString(data["auth_info"]?["tenant_id"]);
        }

        if (client.TenantId is { } tenantId)
        {
            logger.ResolvedTenant(tenantId);
        }
    }
}
