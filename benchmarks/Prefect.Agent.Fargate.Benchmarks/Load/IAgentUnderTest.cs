namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>The agent being measured: a separate process (the CLI), or <see cref="FargateAgent"/> in this process.</summary>
internal interface IAgentUnderTest : IAsyncDisposable
{
    /// <summary>Gets the <see cref="System.Diagnostics.Stopwatch"/> timestamp taken just before it was started.</summary>
    long StartedTimestamp { get; }

    bool HasExited { get; }

    /// <summary>Gets the highest resident set sampled, or 0 when it cannot be told apart from the fakes'.</summary>
    long MaxSampledRss { get; }

    /// <summary>Reads its own memory and CPU; <see langword="null"/> when it has none of its own (in process).</summary>
    /// <returns>The sample.</returns>
    ProcSample? Read();

    /// <summary>Stops it the way an operator would (SIGTERM, or cancellation) and waits.</summary>
    /// <param name="timeout">How long to wait before giving up.</param>
    /// <returns>The exit code (0 for a clean in-process stop), or <see langword="null"/> when it had to be killed.</returns>
    Task<int?> StopAsync(TimeSpan timeout);
}
