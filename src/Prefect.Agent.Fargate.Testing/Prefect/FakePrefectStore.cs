using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>The fake's in-memory backend: tenants, agents, flows, runs, logs, and the resolvers of the top-level fields.</summary>
/// <remarks>The <c>flow_run</c> rows, their columns and the query over them are in <c>FakePrefectStore.Rows.cs</c>.</remarks>
internal sealed partial class FakePrefectStore
{
    private readonly FakePrefectApiOptions options;
    private readonly List<FakeFlowRun> runs = [];
    private readonly Dictionary<string, FakeFlowRun> runsById = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JsonObject> flowsByName = new(StringComparer.Ordinal);
    private readonly List<FakeAgent> agents = [];
    private readonly List<FakeLogEntry> logs = [];
    private readonly Dictionary<string, JsonNode?> agentConfigs = new(StringComparer.OrdinalIgnoreCase);
    private int logRequests;

    public FakePrefectStore(FakePrefectApiOptions options) => this.options = options;

    public object Sync { get; } = new();

    public IReadOnlyList<FakeFlowRun> Runs
    {
        get
        {
            lock (Sync)
            {
                return runs.ToList();
            }
        }
    }

    public IReadOnlyList<FakeAgent> Agents
    {
        get
        {
            lock (Sync)
            {
                return agents.ToList();
            }
        }
    }

    public IReadOnlyList<FakeLogEntry> Logs
    {
        get
        {
            lock (Sync)
            {
                return logs.ToList();
            }
        }
    }

    public string AddAgentConfig(JsonNode? settings)
    {
        var id = Guid.NewGuid().ToString();
        lock (Sync)
        {
            agentConfigs[id] = settings?.DeepClone();
        }

        return id;
    }

    public FakeFlowRun AddFlowRun(FakeFlowRunOptions spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var start = spec.StartTime ?? options.TimeProvider.GetUtcNow().AddSeconds(-1);
        lock (Sync)
        {
            if (!flowsByName.TryGetValue(spec.FlowName + "\n" + spec.FlowVersion, out var flow) || (spec.FlowId is not null && FakeStates.Text(flow["id"]) != spec.FlowId))
            {
                flow = new JsonObject
                {
                    ["id"] = spec.FlowId ?? Guid.NewGuid().ToString(),
                    ["tenant_id"] = options.TenantId,
                    ["name"] = spec.FlowName,
                    ["version"] = spec.FlowVersion,
                    ["core_version"] = spec.CoreVersion,
                    ["environment"] = spec.Environment?.DeepClone(),
                    ["storage"] = spec.Storage?.DeepClone() ?? Storage(spec),
                    ["run_config"] = spec.RunConfig?.DeepClone(),
                    ["archived"] = false,
                };
                flowsByName[spec.FlowName + "\n" + spec.FlowVersion] = flow;
            }

            var taskRuns = spec.TaskRuns.Select(t => new FakeTaskRun(Sync, Guid.NewGuid().ToString(), t.TaskId ?? Guid.NewGuid().ToString(), t.Version, FakeStates.Create(t.State, "Task run " + t.State.ToLowerInvariant(), t.StartTime ?? (t.State is "Pending" or "Running" ? null : start.AddSeconds(-10))))).ToList();
            var run = new FakeFlowRun(Sync, Guid.NewGuid().ToString(), spec, flow, FakeStates.Create(spec.State, spec.State == "Scheduled" ? "Flow run scheduled." : null, start), taskRuns, options.TenantId);
            runs.Add(run);
            runsById.TryAdd(run.Id, run);
            return run;
        }
    }

    /// <summary>Sets a run's state as its flow runner or a user would (no agent id); bumps the version. Thread-safe.</summary>
    public int SetFlowRunState(string flowRunId, string type, string? message)
    {
        ArgumentNullException.ThrowIfNull(flowRunId);
        ArgumentException.ThrowIfNullOrEmpty(type);
        lock (Sync)
        {
            var run = runsById.GetValueOrDefault(flowRunId)
                ?? throw new KeyNotFoundException($"The fake Prefect API has no flow run {flowRunId}.");
            run.SetState(FakeStates.Create(type, message, options.TimeProvider.GetUtcNow()), agentId: null);
            return run.CurrentVersion;
        }
    }

    /// <summary>Resolves one top-level field.</summary>
    public JsonNode? Resolve(string field, JsonObject args, string? agentId)
    {
        lock (Sync)
        {
            return field switch
            {
                "hello" => "👋",
                "api" => new JsonObject { ["backend"] = options.Mode == FakePrefectBackendMode.Server ? "SERVER" : "CLOUD", ["version"] = "fake", ["core_version"] = "0.15.0" },
                "tenant" => new JsonArray(new[] { new JsonObject { ["id"] = options.TenantId, ["name"] = "default", ["slug"] = "default" } }.Where(t => FakeGraphQLJson.Matches(t, args["where"] as JsonObject)).Select(t => (JsonNode?)t).ToArray()),
                "auth_info" => new JsonObject
                {
                    ["tenant_id"] = options.TenantId,
                    ["api_token_scope"] = options.Mode == FakePrefectBackendMode.CloudToken ? options.TokenScope : null,
                    ["user_id"] = null,
                },
                "agent_config" => new JsonArray(agentConfigs.Select(c => new JsonObject { ["id"] = c.Key, ["tenant_id"] = options.TenantId, ["name"] = "config", ["settings"] = c.Value?.DeepClone() })
                    .Where(c => FakeGraphQLJson.Matches(c, args["where"] as JsonObject)).Select(c => (JsonNode?)c).ToArray()),
                "register_agent" => RegisterAgent(Input(args)),
                "get_runs_in_queue" => GetRunsInQueue(Input(args)),
                "flow_run" => FlowRunRows(args),
                "task_run" => new JsonArray(runs.SelectMany(r => r.TaskRuns.Select(t => TaskRow(r, t))).Where(r => FakeGraphQLJson.Matches(r, args["where"] as JsonObject)).Select(r => (JsonNode?)r).ToArray()),
                "flow" => new JsonArray(flowsByName.Values.Where(f => FakeGraphQLJson.Matches(f, args["where"] as JsonObject)).Select(f => f.DeepClone()).ToArray()),
                "set_flow_run_states" => SetFlowRunStates(Input(args), agentId),
                "set_task_run_states" => SetTaskRunStates(Input(args), agentId),
                "write_run_logs" => WriteRunLogs(Input(args)),
                _ => throw new FakeFieldException($"The fake Prefect API does not implement '{field}'.", "NOT_IMPLEMENTED"),
            };
        }
    }

    private static JsonObject Input(JsonObject args) => args["input"] as JsonObject ?? throw new FakeFieldException("Missing input.", "BAD_USER_INPUT");

    private static JsonObject? Storage(FakeFlowRunOptions spec)
    {
        if (spec.DockerStorageImage is not { } image)
        {
            return new JsonObject { ["type"] = "Local", ["__version__"] = spec.CoreVersion, ["flows"] = new JsonObject(), ["secrets"] = new JsonArray() };
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var tag = colon > slash ? image[(colon + 1)..] : "latest";
        var repository = colon > slash ? image[..colon] : image;
        return new JsonObject
        {
            ["type"] = "Docker",
            ["__version__"] = spec.CoreVersion,
            ["registry_url"] = slash > 0 ? repository[..slash] : null,
            ["image_name"] = slash > 0 ? repository[(slash + 1)..] : repository,
            ["image_tag"] = tag,
            ["flows"] = new JsonObject(),
            ["secrets"] = new JsonArray(),
        };
    }

    private JsonObject RegisterAgent(JsonObject input)
    {
        var tenant = FakeStates.Text(input["tenant_id"]);
        if (tenant is not null && !string.Equals(tenant, options.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            throw new FakeFieldException($"Invalid tenant ID {tenant}.", "INTERNAL_SERVER_ERROR");
        }

        var configId = FakeStates.Text(input["agent_config_id"]);
        if (configId is not null && !agentConfigs.ContainsKey(configId))
        {
            throw new FakeFieldException($"Agent config {configId} not found.", "INTERNAL_SERVER_ERROR");
        }

        var labels = (input["labels"] as JsonArray ?? []).Select(FakeStates.Text).OfType<string>().ToList();
        var agent = new FakeAgent(Guid.NewGuid().ToString(), FakeStates.Text(input["type"]) ?? string.Empty, FakeStates.Text(input["name"]), labels, tenant, configId);
        agents.Add(agent);
        return new JsonObject { ["id"] = agent.Id };
    }

    private JsonObject GetRunsInQueue(JsonObject input)
    {
        // Prefect Server's api/runs.get_runs_in_queue: runs of the tenant that are Scheduled-like with a start time up
        // to `before`, or Running with such a task run; ordered by start time; a run is skipped when it has a label the
        // agent lacks, or has no labels while the agent has some; at most queued_runs_returned_limit ids.
        var tenant = FakeStates.Text(input["tenant_id"]) ?? (options.Mode == FakePrefectBackendMode.Server ? null : options.TenantId);
        if (tenant is null || !string.Equals(tenant, options.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            throw new FakeFieldException("Invalid tenant ID", "INTERNAL_SERVER_ERROR");
        }

        var before = FakeStates.ParseTime(FakeStates.Text(input["before"])) ?? options.TimeProvider.GetUtcNow();
        var agentLabels = (input["labels"] as JsonArray ?? []).Select(FakeStates.Text).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var ids = runs
            .Where(r => IsQueued(r.CurrentType, r.CurrentStartTime, before) || (r.CurrentType == "Running" && r.TaskRuns.Any(t => IsQueued(t.CurrentType, t.CurrentStartTime, before))))
            .OrderBy(r => r.CurrentStartTime ?? DateTimeOffset.MinValue)
            .Where(r => r.Labels.All(agentLabels.Contains) && !(r.Labels.Count == 0 && agentLabels.Count > 0))
            .Take(options.QueuePageSize)
            .Select(r => (JsonNode?)JsonValue.Create(r.Id))
            .ToArray();
        return new JsonObject { ["flow_run_ids"] = new JsonArray(ids) };
    }

    private static bool IsQueued(string type, DateTimeOffset? startTime, DateTimeOffset before) =>
        FakeStates.QueueStates.Contains(type) && (startTime ?? DateTimeOffset.MinValue) <= before;

    private JsonObject SetFlowRunStates(JsonObject input, string? agentId) => ApplyEach(input, entry =>
    {
        var id = FakeStates.Text(entry["flow_run_id"]) ?? string.Empty;
        var run = runsById.GetValueOrDefault(id)
            ?? throw new FakeFieldException($"State update failed for flow run ID {id}", "INTERNAL_SERVER_ERROR");
        CheckVersion(entry, run.CurrentVersion, $"State update failed for flow run ID {id}");
        run.SetState(CheckState(entry), agentId);
        return run.Id;
    });

    private JsonObject SetTaskRunStates(JsonObject input, string? agentId) => ApplyEach(input, entry =>
    {
        var id = FakeStates.Text(entry["task_run_id"]) ?? string.Empty;
        var task = runs.SelectMany(r => r.TaskRuns).FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new FakeFieldException($"State update failed for task run ID {id}", "INTERNAL_SERVER_ERROR");
        CheckVersion(entry, task.CurrentVersion, $"State update failed for task run ID {id}");
        task.SetState(CheckState(entry), agentId);
        return task.Id;
    });

    // Like Prefect Server (asyncio.gather over the entries of set_flow_run_states/set_task_run_states): every entry that
    // passes its checks is applied, and the first failure, if any, is the answer for the whole call.
    private static JsonObject ApplyEach(JsonObject input, Func<JsonObject, string> apply)
    {
        var results = new JsonArray();
        FakeFieldException? failure = null;
        foreach (var entry in (input["states"] as JsonArray ?? []).OfType<JsonObject>())
        {
            try
            {
                results.Add((JsonNode)new JsonObject { ["id"] = apply(entry), ["status"] = "SUCCESS", ["message"] = null });
            }
            catch (FakeFieldException ex)
            {
                failure ??= ex;
            }
        }

        return failure is null ? new JsonObject { ["states"] = results } : throw failure;
    }

    private void CheckVersion(JsonObject entry, int current, string message)
    {
        if (options.VersionLocking && entry["version"] is JsonValue version && version.GetValue<long>() != current)
        {
            // Prefect Server raises "State update failed for flow run ID <id>" when the version does not match (with
            // version locking on); Prefect Cloud tags it VERSION_LOCKING_ERROR, which the 0.15 client looks for.
            throw new FakeFieldException(message, "VERSION_LOCKING_ERROR");
        }
    }

    private static JsonObject CheckState(JsonObject entry)
    {
        if (entry["state"] is not JsonObject state || FakeStates.Text(state["type"]) is null)
        {
            throw new FakeFieldException("Invalid state: a serialized state must be an object with a 'type'.", "BAD_USER_INPUT");
        }

        return (JsonObject)state.DeepClone();
    }

    private JsonObject WriteRunLogs(JsonObject input)
    {
        var number = ++logRequests;
        foreach (var log in (input["logs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            logs.Add(new FakeLogEntry(
                FakeStates.Text(log["flow_run_id"]) ?? string.Empty,
                FakeStates.Text(log["name"]),
                FakeStates.Text(log["level"]),
                FakeStates.Text(log["message"]),
                FakeStates.Text(log["timestamp"]),
                number));
        }

        return new JsonObject { ["success"] = true, ["error"] = null };
    }
}
