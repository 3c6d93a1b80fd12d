namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Timeouts, retries and log batching of the Prefect client (internal knobs; tests shorten them).</summary>
internal sealed class PrefectClientSettings
{
    /// <summary>Gets or sets the timeout of one attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how many times a failed request (429, 5xx, timeout, connection error) is retried.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the first back-off delay (doubled each retry, with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest back-off delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest wait a <c>Retry-After</c> header is honoured for.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the shortest time between two <c>write_run_logs</c> calls (entries arriving meanwhile are batched).</summary>
    public TimeSpan LogFlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the most entries in one <c>write_run_logs</c> call.</summary>
    public int LogBatchSize { get; set; } = 100;

    /// <summary>Gets or sets the most flow run states in one <c>set_flow_run_states</c> call (claims are never delayed to fill one).</summary>
    public int StateBatchSize { get; set; } = 50;

    /// <summary>
    /// Gets or sets the round trip from which the next runs' metadata is read ahead with a page's claims; under it the
    /// original's metadata query after the poll costs less than the rows read ahead (a local Prefect Server).
    /// </summary>
    public TimeSpan ReadAheadFrom { get; set; } = TimeSpan.FromMilliseconds(20);
}
