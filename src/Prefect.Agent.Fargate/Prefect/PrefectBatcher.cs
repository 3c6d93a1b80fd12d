using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// Batches <c>write_run_logs</c> across flow runs: the Prefect API takes a list of entries, so one call carries the
/// lines of many runs.
/// </summary>
/// <remarks>
/// A line written while no call is in flight and the last call was at least <see cref="PrefectClientSettings.LogFlushInterval"/>
/// ago is sent at once (no added latency when idle). Lines arriving while a call is in flight, or sooner than the
/// interval after the last one, wait for the next call, which carries at most <see cref="PrefectClientSettings.LogBatchSize"/>
/// entries. <see cref="WriteAsync"/> completes when its entry was written, or fails with the batch's error, so every
/// caller sees the outcome of its own line. A channel and a loop are used instead of a library batcher because the
/// per-entry completion is the point.
/// </remarks>
internal sealed class PrefectLogBatcher : IAsyncDisposable
{
    private readonly Channel<Entry> channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<JsonArray, CancellationToken, Task> send;
    private readonly PrefectClientSettings settings;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private DateTimeOffset? lastFlush;

    /// <summary>Gets how long disposing waits for queued lines to be written.</summary>
    public static TimeSpan DrainTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Initializes a new instance of the <see cref="PrefectLogBatcher"/> class.</summary>
    /// <param name="send">Sends one batch (the <c>logs</c> array of <c>write_run_logs_input</c>).</param>
    /// <param name="settings">The interval and batch size.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public PrefectLogBatcher(Func<JsonArray, CancellationToken, Task> send, PrefectClientSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        this.send = send;
        this.settings = settings;
        this.timeProvider = timeProvider;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one log line and completes when it was written.</summary>
    /// <param name="log">The line.</param>
    /// <param name="cancellationToken">Stops waiting (the line may still be written).</param>
    /// <returns>A task that completes when the backend took the line.</returns>
    public Task WriteAsync(FlowRunLog log, CancellationToken cancellationToken)
    {
        var entry = new Entry(ToJson(log), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!channel.Writer.TryWrite(entry))
        {
            throw new ObjectDisposedException(nameof(PrefectFlowRunSource), "The Prefect flow-run source was disposed; the log line was not written.");
        }

        return entry.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends what is queued (for at most <see cref="DrainTimeout"/>), then stops.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        channel.Writer.TryComplete();
        try
        {
            // The loop is this object's own task, started in the constructor.
#pragma warning disable VSTHRD003
            await loop.WaitAsync(DrainTimeout, timeProvider).ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (TimeoutException)
        {
            Abort();
        }
    }

    /// <summary>Stops at once; queued lines fail.</summary>
    public void Abort()
    {
        channel.Writer.TryComplete();
        stopping.Cancel();
    }

    private static JsonObject ToJson(FlowRunLog log)
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

    private async Task RunAsync()
    {
        var reader = channel.Reader;
        var batch = new List<Entry>();
        try
        {
            while (await reader.WaitToReadAsync(stopping.Token).ConfigureAwait(false))
            {
                if (lastFlush is { } last)
                {
                    var wait = settings.LogFlushInterval - (timeProvider.GetUtcNow() - last);
                    if (wait > TimeSpan.Zero && !reader.Completion.IsCompleted)
                    {
                        await Task.Delay(wait, timeProvider, stopping.Token).ConfigureAwait(false);
                    }
                }

                while (batch.Count < settings.LogBatchSize && reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                await FlushAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: fail what is left below.
        }

        var aborted = new ObjectDisposedException(nameof(PrefectFlowRunSource), "The Prefect flow-run source was disposed; the log line was not written.");
        foreach (var entry in batch)
        {
            entry.Completion.TrySetException(aborted);
        }

        while (reader.TryRead(out var entry))
        {
            entry.Completion.TrySetException(aborted);
        }
    }

    private async Task FlushAsync(List<Entry> batch)
    {
        lastFlush = timeProvider.GetUtcNow();
        var logs = new JsonArray();
        foreach (var entry in batch)
        {
            logs.Add((JsonNode)entry.Json);
        }

        logger.WritingLogBatch(batch.Count);
        try
        {
            await send(logs, stopping.Token).ConfigureAwait(false);
            foreach (var entry in batch)
            {
                entry.Completion.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.LogBatchFailed(ex, batch.Count);
            foreach (var entry in batch)
            {
                entry.Completion.TrySetException(ex);
            }
        }
    }

    private sealed record Entry(JsonObject Json, TaskCompletionSource Completion);
}
