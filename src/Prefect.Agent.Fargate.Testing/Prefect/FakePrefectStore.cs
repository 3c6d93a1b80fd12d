using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>The fake's in-memory backend: tenants, agents, flows, runs, logs, and the resolvers of the top-level fields.</summary>
internal sealed class FakePrefectStore
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

    private static JsonObject TaskRow(FakeFlowRun run, FakeTaskRun task)
    {
        var state = task.CurrentState;
        return new JsonObject
        {
            ["id"] = task.Id,
            ["tenant_id"] = run.TenantId,
            ["flow_run_id"] = run.Id,
            ["task_id"] = task.TaskId,
            ["map_index"] = -1,
            ["version"] = task.CurrentVersion,
            ["state"] = FakeStates.TypeOf(state),
            ["serialized_state"] = state.DeepClone(),
            ["state_start_time"] = FakeStates.Text(state["start_time"]),
        };
    }

    /// <summary>A <c>flow_run</c> row: every column, or only <paramref name="columns"/> (in the same order).</summary>
    private static JsonObject Row(FakeFlowRun run, HashSet<string>? columns = null)
    {
        var row = new JsonObject();
        foreach (var (name, value) in FlowRunColumns)
        {
            if (columns is null || columns.Contains(name))
            {
                row[name] = value(run);
            }
        }

        return row;
    }

    // A full row deep-copies the run's state, parameters, run config and flow, and the agent's filters read only a
    // few columns (id, state, task_runs) of every run: each run is matched on a row of just the columns the filter
    // reads (it matches exactly as the full row would), and full rows are built for the matches only.
    private JsonArray FlowRunRows(JsonObject args)
    {
        var where = args["where"] as JsonObject;
        var columns = where is null ? new HashSet<string>(StringComparer.Ordinal) : FakeGraphQLJson.ColumnsOf(where);
        columns.UnionWith(FakeGraphQLJson.OrderColumnsOf(args));
        var named = where is null ? null : RunsNamedBy(where);
        var matches = new Dictionary<JsonObject, FakeFlowRun>(ReferenceEqualityComparer.Instance);
        foreach (var run in runs)
        {
            if (named is not null && !named.Contains(run))
            {
                continue;
            }

            var row = Row(run, columns);
            if (where is null || FakeGraphQLJson.Matches(row, where))
            {
                matches.Add(row, run);
            }
        }

        // Ordered and paged on the rows of the columns read, then full rows for the page only.
        return new JsonArray(FakeGraphQLJson.OrderAndPage(matches.Keys, args).Select(row => (JsonNode?)Row(matches[row])).ToArray());
    }

    // The agent names the runs it wants (id: {_in: [...]} or {_eq: ...}), and a run must match every key of the filter,
    // so only the runs with those ids can match: they are looked up rather than every run's id compared with each
    // (Matches still decides). Null, to compare every run, when the filter names no ids or names them otherwise than as UUIDs.
    private HashSet<FakeFlowRun>? RunsNamedBy(JsonObject where)
    {
        IEnumerable<JsonNode?> ids;
        switch (where["id"])
        {
            case JsonObject condition when condition["_in"] is JsonArray list:
                ids = list;
                break;
            case JsonObject condition when condition["_eq"] is JsonValue one:
                ids = [one];
                break;
            default:
                return null;
        }

        var named = new HashSet<FakeFlowRun>();
        foreach (var id in ids)
        {
            // Matches compares UUIDs as UUIDs (any case or format); run ids are lower-case "D" format.
            if (FakeStates.Text(id) is not { } text || !Guid.TryParse(text, out var uuid))
            {
                return null;
            }

            if (runsById.TryGetValue(uuid.ToString("D"), out var run))
            {
                named.Add(run);
            }
        }

        return named;
    }

    // The columns of a flow_run row, in the order the answer lists them.
    private static readonly (string Name, Func<FakeFlowRun, JsonNode?> Value)[] FlowRunColumns =
    [
        ("id", run => run.Id),
        ("tenant_id", run => run.TenantId),
        ("flow_id", run => run.FlowId),
        ("agent_id", run => run.CurrentAgentId),
        ("version", run => run.CurrentVersion),
        ("state", run => run.CurrentType),
        ("serialized_state", run => run.CurrentState.DeepClone()),
        ("state_start_time", run => FakeStates.Text(run.CurrentState["start_time"])),
        ("state_message", run => FakeStates.MessageOf(run.CurrentState)),
        ("parameters", run => run.Parameters.DeepClone()),
        ("context", _ => new JsonObject()),
        ("labels", run => new JsonArray(run.Labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray())),
        ("scheduled_start_time", run => FakeStates.Text(run.CurrentState["start_time"])),
        ("run_config", run => run.RunConfig?.DeepClone()),
        ("name", run => run.Name),
        ("flow", run => run.Flow.DeepClone()),
        ("task_runs", run => new JsonArray(run.TaskRuns.Select(t => (JsonNode?)TaskRow(run, t)).ToArray())),
    ];

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
