using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>The store's rows: <c>flow_run</c> and <c>task_run</c> rows, and the <c>flow_run</c> query over them.</summary>
internal sealed partial class FakePrefectStore
{
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
}
