using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The source's <see cref="IFlowRunMonitor"/>: many runs' states in one query, Submitted runs, metadata by id.</summary>
internal sealed partial class PrefectFlowRunSource
{
    /// <summary>The most ids one query names (keeps a query of a few thousand watched runs well under 100 kB).</summary>
    internal const int MaxIdsPerQuery = 1000;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FlowRunStatus>> GetFlowRunStatusesAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowRunIds);
        var result = new List<FlowRunStatus>(flowRunIds.Count);
        foreach (var chunk in flowRunIds.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var data = await client.ExecuteAsync("flow_run", PrefectQueries.FlowRunStatuses(chunk), null, cancellationToken).ConfigureAwait(false);
            result.AddRange((data["flow_run"] as JsonArray ?? []).OfType<JsonObject>().Select(ReadStatus).OfType<FlowRunStatus>());
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FlowRunStatus>> GetSubmittedFlowRunsAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var data = await client.ExecuteAsync("flow_run", PrefectQueries.SubmittedFlowRuns(client.TenantId), null, cancellationToken).ConfigureAwait(false);
        var agentLabels = new HashSet<string>(labels, StringComparer.Ordinal);
        var result = new List<FlowRunStatus>();
        foreach (var row in (data["flow_run"] as JsonArray ?? []).OfType<JsonObject>())
        {
            // Prefect Server's get_runs_in_queue rule: every label of the run is the agent's, and a run without labels
            // goes only to an agent without labels.
            var runLabels = (row["labels"] as JsonArray ?? []).Select(GetString).OfType<string>().ToList();
            if (runLabels.All(agentLabels.Contains) && !(runLabels.Count == 0 && agentLabels.Count > 0) && ReadStatus(row) is { } status)
            {
                result.Add(status);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FlowRun>> GetFlowRunsAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowRunIds);
        var result = new List<FlowRun>(flowRunIds.Count);
        foreach (var chunk in flowRunIds.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var data = await client.ExecuteAsync("flow_run", PrefectQueries.FlowRunsById(chunk), null, cancellationToken).ConfigureAwait(false);
            result.AddRange((data["flow_run"] as JsonArray ?? []).OfType<JsonObject>().Select(PrefectFlowRunReader.Read));
        }

        return result;
    }

    private static FlowRunStatus? ReadStatus(JsonObject row) =>
        GetString(row["id"]) is { } id
            ? new FlowRunStatus
            {
                Id = id,
                Version = row["version"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var version) ? version : 0,
                State = row["state"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null,
            }
            : null;
}
