using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// The source's side of the poll loop's pipeline: a page's claims and the next poll in one GraphQL document, and the
/// next runs' metadata read at the same time.
/// </summary>
internal sealed partial class PrefectFlowRunSource : IClaimingFlowRunSource
{
    /// <summary>How many rows a read-ahead asks for per run the poll may return (the queue skips runs whose labels differ).</summary>
    private const int ReadAheadFactor = 2;

    // The last exchange's round trip (ticks of TimeSpan); starts "slow", so the first exchange reads ahead.
    private long lastExchangeTicks = long.MaxValue;

    /// <inheritdoc/>
    /// <remarks>
    /// One exchange (issue 15): <c>set_flow_run_states</c> for the page's runs and then <c>get_runs_in_queue</c>, as two
    /// fields of one mutation (they run in order, so the queue no longer holds the runs just claimed), while a query
    /// reads the metadata of the next Scheduled runs by start time. The runs the queue answers are read from it;
    /// only the others need the original's metadata query. Against a backend that answers within 20 ms the read-ahead is
    /// skipped: the metadata query after the poll costs less than the rows read ahead. A claim part that fails or goes unanswered is settled run
    /// by run as <see cref="IFlowRunSource.MarkSubmittedAsync"/> settles a failed batch (the backend says whose each
    /// run is).
    /// </remarks>
    public async Task<FlowRunClaimExchange> ClaimThenPollAsync(IReadOnlyList<FlowRun> runs, FlowRunQuery? next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var entries = new JsonArray();
        var claiming = new List<FlowRun>();
        foreach (var run in runs.Where(r => PrefectStates.IsScheduled(r.SerializedState)))
        {
            logger.UpdatingFlowRunState(run.Id, run.State ?? "Scheduled");
            entries.Add((JsonNode)StateEntry(run.Id, run.Version, Submitted(run)));
            claiming.Add(run);
        }

        var variables = new JsonObject();
        if (entries.Count > 0)
        {
            variables["states"] = new JsonObject { ["states"] = entries };
        }

        if (next is not null)
        {
            variables["input"] = QueueInput(next);
        }

        // Read ahead only behind claims: the first poll of a burst, and every poll of an idle queue, stay the original's.
        var readAhead = next is not null && claiming.Count > 0 && Interlocked.Read(ref lastExchangeTicks) >= readAheadFrom.Ticks
            ? ReadAheadAsync(next, claiming, cancellationToken)
            : null;
        _ = readAhead?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var claimFailure = (string?)null;
        List<string>? queued = null;
        Exception? pollError = null;
        if (entries.Count > 0 || next is not null)
        {
            var operation = entries.Count > 0 && next is not null ? "set_flow_run_states,get_runs_in_queue" : entries.Count > 0 ? "set_flow_run_states" : "get_runs_in_queue";
            try
            {
                var sent = timeProvider.GetTimestamp();
                var (data, errors) = await client.ExecuteFieldsAsync(operation, PrefectQueries.ClaimThenPoll(entries.Count > 0, next is not null), variables, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref lastExchangeTicks, timeProvider.GetElapsedTime(sent).Ticks);
                if (entries.Count > 0)
                {
                    claimFailure = errors.FirstOrDefault(e => FieldOf(e) is "set_flow_run_states" or null)?.Message
                        ?? ((data["set_flow_run_states"]?["states"] as JsonArray)?.Count == entries.Count
                            ? null
                            : $"the Prefect API answered 'set_flow_run_states' without a result for each of the {entries.Count} state(s)");
                }

                if (next is not null)
                {
                    var queueErrors = errors.Where(e => FieldOf(e) is "get_runs_in_queue" or null).ToList();
                    if (queueErrors.Count > 0)
                    {
                        pollError = new PrefectApiException("get_runs_in_queue", queueErrors);
                    }
                    else
                    {
                        queued = QueuedIds(data);
                    }
                }
            }
            catch (Exception ex) when (!AgentErrors.IsFatal(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Whether the claims were applied is unknown: each run's is read back below.
                claimFailure = ex.Message;
                pollError = ex;
            }
        }

        var claims = await Task.WhenAll(runs.Select(run => SettleClaimAsync(run, claimFailure, cancellationToken))).ConfigureAwait(false);
        FlowRunPage? page = null;
        if (queued is not null)
        {
            try
            {
                page = await ReadPageAsync(queued, next!, readAhead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!AgentErrors.IsFatal(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                pollError = ex;
            }
        }
        else if (readAhead is not null)
        {
            await ReadAheadRowsAsync(readAhead).ConfigureAwait(false);
        }

        return new FlowRunClaimExchange { Claims = claims, Next = page, PollError = pollError };
    }

    // The field an error belongs to (null when the backend named none: it then concerns the whole document).
    private static string? FieldOf(PrefectApiError error) => error.Path.Count > 0 ? error.Path[0] : null;

    private async Task<FlowRunClaimAttempt> SettleClaimAsync(FlowRun run, string? claimFailure, CancellationToken cancellationToken)
    {
        try
        {
            var claim = await ClaimRunAsync(
                run,
                () => claimFailure is null ? Task.FromResult(true) : ClaimAfterFailureAsync(run, claimFailure, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return new FlowRunClaimAttempt(claim, null);
        }
        catch (Exception ex) when (!AgentErrors.IsFatal(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return new FlowRunClaimAttempt(default, ex);
        }
    }

    private async Task<JsonArray?> ReadAheadAsync(FlowRunQuery next, List<FlowRun> claiming, CancellationToken cancellationToken)
    {
        var exclude = new HashSet<string>(next.Exclude, StringComparer.Ordinal);
        exclude.UnionWith(claiming.Select(r => r.Id));
        var now = timeProvider.GetUtcNow();
        var limit = (next.MaxRunsOnArrival is null ? Math.Min(Math.Max(next.MaxRuns, 0), ServerPageSize) : ServerPageSize) * ReadAheadFactor;
        var query = PrefectQueries.ScheduledFlowRunsAhead(exclude, PrefectTime.Format(now.AddSeconds(10)), PrefectTime.Format(now.AddSeconds(-3)), client.TenantId, limit);
        var data = await client.ExecuteAsync("flow_run", query, null, cancellationToken).ConfigureAwait(false);
        return data["flow_run"] as JsonArray;
    }

    // A read-ahead that failed costs only its runs' metadata query: never an error of the poll.
    private async Task<JsonArray?> ReadAheadRowsAsync(Task<JsonArray?> readAhead)
    {
        try
        {
#pragma warning disable VSTHRD003 // The read-ahead is this source's own request, started by ClaimThenPollAsync.
            return await readAhead.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (Exception ex) when (!AgentErrors.IsFatal(ex))
        {
            logger.ReadAheadFailed(ex.Message);
            return null;
        }
    }
}
