using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The source's flow run states: claiming runs (batched, version per run) and marking them Failed.</summary>
internal sealed partial class PrefectFlowRunSource
{
    /// <inheritdoc/>
    public Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (PrefectStates.IsScheduled(run.SerializedState))
        {
            logger.UpdatingFlowRunState(run.Id, run.State ?? "Scheduled");
        }

        return ClaimRunAsync(run, () => ClaimAsync(run, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The claim of one run: its flow run Submitted under the version lock (when Scheduled) by
    /// <paramref name="claimFlowRun"/>, then its scheduled task runs.
    /// </summary>
    private async Task<FlowRunClaim> ClaimRunAsync(FlowRun run, Func<Task<bool>> claimFlowRun, CancellationToken cancellationToken)
    {
        var version = run.Version;
        try
        {
            if (PrefectStates.IsScheduled(run.SerializedState))
            {
                if (!await claimFlowRun().ConfigureAwait(false))
                {
                    return FlowRunClaim.TakenByAnotherAgent();
                }

                // Prefect Server inserts the new state with version + 1 and a trigger copies it to the flow run
                // (api/states.py: version=(flow_run.version or 0) + 1; migration "update_flow_run_with_latest_state").
                version++;
            }

            // One call for all of the run's scheduled task runs (the input takes a list); the original sent one each.
            var taskStates = new JsonArray();
            foreach (var taskRun in run.TaskRuns.Where(t => PrefectStates.IsScheduled(t.SerializedState)))
            {
                taskStates.Add((JsonNode)new JsonObject
                {
                    ["state"] = PrefectStates.Submitted("Submitted for execution.", taskRun.SerializedState),
                    ["task_run_id"] = taskRun.Id,
                    ["version"] = taskRun.Version,
                });
            }

            if (taskStates.Count > 0)
            {
                var count = taskStates.Count;
                await client.ExecuteAsync("set_task_run_states", PrefectQueries.SetTaskRunStates, new JsonObject { ["input"] = new JsonObject { ["states"] = taskStates } }, cancellationToken).ConfigureAwait(false);
                logger.UpdatedTaskRunStates(count, run.Id);
            }

            return FlowRunClaim.Claimed(version);
        }
        catch (PrefectApiException ex) when (IsVersionLockConflict(ex))
        {
            logger.FlowRunTakenByAnotherAgent(ex.Errors.Count > 0 ? ex.Errors[0].Message : ex.Message);
            return FlowRunClaim.TakenByAnotherAgent();
        }
    }

    /// <inheritdoc/>
    public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(message);
        // The deployer logs "Updating flow run ... state to Failed..." for every source; not again here.
        return SetFlowRunStateAsync(run.Id, version, PrefectStates.Failed(message), cancellationToken);
    }

    /// <summary>Cloud's version-lock code, or Server's "State update failed" (version locking raises it there), as the original.</summary>
    private static bool IsVersionLockConflict(PrefectApiException ex) =>
        ex.Code == "VERSION_LOCKING_ERROR" || ex.Errors.Any(e => e.Message.Contains("State update failed", StringComparison.Ordinal));

    private static JsonObject Submitted(FlowRun run) => PrefectStates.Submitted("Submitted for execution", run.SerializedState);

    private static JsonObject StateEntry(string flowRunId, int version, JsonObject state) =>
        new() { ["state"] = state, ["flow_run_id"] = flowRunId, ["version"] = version };

    private async Task<bool> ClaimAsync(FlowRun run, CancellationToken cancellationToken)
    {
        try
        {
            // One call carries the claims of the runs being deployed together, each with its own version: the version
            // lock stays per run.
            await states.WriteAsync(StateEntry(run.Id, run.Version, Submitted(run)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return await ClaimAfterFailureAsync(run, ex.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Claims a run whose claim in a call of several failed or went unanswered: Prefect Server sets a batch's states one
    /// by one and answers the first failure for the whole call (asyncio.gather in set_flow_run_states), and an answer
    /// may have been lost and retried. Ours may be set or not: the backend says, and the run is claimed alone if not.
    /// </summary>
    private async Task<bool> ClaimAfterFailureAsync(FlowRun run, string failure, CancellationToken cancellationToken)
    {
        logger.ClaimingAlone(run.Id, failure);
        switch (await ReadOwnerAsync(run, cancellationToken).ConfigureAwait(false))
        {
            case Owner.Us:
                return true;
            case Owner.Other:
                logger.FlowRunTakenByAnotherAgent($"flow run {run.Id} is no longer at version {run.Version}");
                return false;
        }

        try
        {
            await SetFlowRunStateAsync(run.Id, run.Version, Submitted(run), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PrefectApiException ex) when (IsVersionLockConflict(ex))
        {
            // A retried attempt whose answer was lost may have set it: the lock then refuses our own retry.
            if (await ReadOwnerAsync(run, cancellationToken).ConfigureAwait(false) == Owner.Us)
            {
                return true;
            }

            logger.FlowRunTakenByAnotherAgent(ex.Errors.Count > 0 ? ex.Errors[0].Message : ex.Message);
            return false;
        }
    }

    private async Task SetFlowRunStateAsync(string flowRunId, int version, JsonObject state, CancellationToken cancellationToken)
    {
        await SendStatesAsync(new JsonArray(StateEntry(flowRunId, version, state)), cancellationToken).ConfigureAwait(false);
    }

    private async Task SendStatesAsync(JsonArray entries, CancellationToken cancellationToken)
    {
        var count = entries.Count;
        var data = await client.ExecuteAsync("set_flow_run_states", PrefectQueries.SetFlowRunStates, new JsonObject { ["input"] = new JsonObject { ["states"] = entries } }, cancellationToken).ConfigureAwait(false);
        if ((data["set_flow_run_states"]?["states"] as JsonArray)?.Count != count)
        {
            throw new PrefectApiException($"Setting flow run states failed: the Prefect API answered 'set_flow_run_states' without a result for each of the {count} state(s).");
        }
    }

    /// <summary>Whose the run is now: ours (Submitted by this agent at the next version), still at the version we read, or moved on.</summary>
    private async Task<Owner> ReadOwnerAsync(FlowRun run, CancellationToken cancellationToken)
    {
        var data = await client.ExecuteAsync("flow_run", PrefectQueries.FlowRunOwner(run.Id), null, cancellationToken).ConfigureAwait(false);
        var found = (data["flow_run"] as JsonArray) is { Count: 1 } rows ? rows[0] : null;
        var version = found?["version"] is JsonValue v && v.TryGetValue<int>(out var current) ? current : (int?)null;
        if (version == run.Version)
        {
            return Owner.Nobody;
        }

        return client.AgentId is not null
            && version == run.Version + 1
            && GetString(found?["state"]) == "Submitted"
            && string.Equals(GetString(found?["agent_id"]), client.AgentId, StringComparison.OrdinalIgnoreCase)
            ? Owner.Us
            : Owner.Other;
    }

    private enum Owner
    {
        Nobody,
        Us,
        Other,
    }
}
