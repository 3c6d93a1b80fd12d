using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// Batches entries of a Prefect mutation that takes a list (<c>write_run_logs</c>' logs, <c>set_flow_run_states</c>'
/// states) across flow runs, so that one call carries the entries of many runs.
/// </summary>
/// <remarks>
/// An entry written while no call is in flight and the last call was at least the flush interval ago is sent at once
/// (no added latency when idle). Entries arriving while a call is in flight, or sooner than the interval after the last
/// one, wait for the next call, which carries at most the batch size. <see cref="WriteAsync"/> completes when its entry
/// was sent, or fails with the batch's error, so every caller sees the outcome of its own entry. A channel and a loop
/// are used instead of a library batcher because the per-entry completion is the point.
/// </remarks>
internal sealed class PrefectBatcher : IAsyncDisposable
{
    private readonly Channel<Entry> channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<JsonArray, CancellationToken, Task> send;
    private readonly string entries;
    private readonly TimeSpan flushInterval;
    private readonly int batchSize;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private DateTimeOffset? lastFlush;

    /// <summary>Initializes a new instance of the <see cref="PrefectBatcher"/> class.</summary>
    /// <param name="entries">What an entry is, for logs and errors (e.g. "run log(s)").</param>
    /// <param name="send">Sends one batch (the list argument of the mutation).</param>
    /// <param name="flushInterval">The shortest time between two calls; zero: a call as soon as the previous one ended.</param>
    /// <param name="batchSize">The most entries in one call.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public PrefectBatcher(string entries, Func<JsonArray, CancellationToken, Task> send, TimeSpan flushInterval, int batchSize, TimeProvider timeProvider, ILogger logger)
    {
        this.entries = entries;
        this.send = send;
        this.flushInterval = flushInterval;
        this.batchSize = batchSize;
        this.timeProvider = timeProvider;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Gets how long disposing waits for queued entries to be sent.</summary>
    public static TimeSpan DrainTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Queues one entry and completes when it was sent.</summary>
    /// <param name="entry">The entry, owned by the batcher from now on.</param>
    /// <param name="cancellationToken">Stops waiting (the entry may still be sent).</param>
    /// <returns>A task that completes when the backend took the entry.</returns>
    public Task WriteAsync(JsonObject entry, CancellationToken cancellationToken)
    {
        var queued = new Entry(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!channel.Writer.TryWrite(queued))
        {
            throw Disposed();
        }

        return queued.Completion.Task.WaitAsync(cancellationToken);
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
                    var wait = flushInterval - (timeProvider.GetUtcNow() - last);
                    if (wait > TimeSpan.Zero && !reader.Completion.IsCompleted)
                    {
                        await Task.Delay(wait, timeProvider, stopping.Token).ConfigureAwait(false);
                    }
                }

                while (batch.Count < batchSize && reader.TryRead(out var entry))
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

        var aborted = Disposed();
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
        var list = new JsonArray();
        foreach (var entry in batch)
        {
            list.Add((JsonNode)entry.Json);
        }

        logger.SendingBatch(batch.Count, entries);
        try
        {
            await send(list, stopping.Token).ConfigureAwait(false);
            foreach (var entry in batch)
            {
                entry.Completion.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.BatchFailed(ex, batch.Count, entries);
            foreach (var entry in batch)
            {
                entry.Completion.TrySetException(ex);
            }
        }
    }

    private ObjectDisposedException Disposed() =>
        new(nameof(PrefectFlowRunSource), $"The Prefect flow-run source was disposed; the {entries} were not sent.");

    private sealed record Entry(JsonObject Json, TaskCompletionSource Completion);
}
