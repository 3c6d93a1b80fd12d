using System.Diagnostics;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// Timestamps the requests of a <see cref="FakePrefectApi"/>, which records requests but not when they came: a thread
/// looks every millisecond and stamps each new request with the time it first saw it (so a stamp is at most ~1 ms late).
/// </summary>
internal sealed class PrefectRequestWatcher : IDisposable
{
    private readonly FakePrefectApi api;
    private readonly Thread thread;
    private readonly List<long> stamps = [];
    private readonly object gate = new();
    private volatile bool stopping;

    public PrefectRequestWatcher(FakePrefectApi api)
    {
        this.api = api;
        thread = new Thread(Run) { IsBackground = true, Name = "prefect-request-watcher", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    /// <summary>Gets the stamps (<see cref="Stopwatch"/> timestamps), one per request in <see cref="FakePrefectApi.Requests"/> order.</summary>
    public IReadOnlyList<long> Stamps
    {
        get
        {
            lock (gate)
            {
                return stamps.ToList();
            }
        }
    }

    /// <summary>Waits until a request of <paramref name="operation"/> has been seen.</summary>
    /// <param name="operation">The operation, e.g. <c>get_runs_in_queue</c>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="giveUp">Stops waiting early (the agent exited).</param>
    /// <returns>The stamp, or <see langword="null"/> on timeout.</returns>
    public long? WaitFor(string operation, TimeSpan timeout, Func<bool> giveUp)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !giveUp())
        {
            var requests = api.Requests;
            var stamped = Stamps;
            for (var i = 0; i < Math.Min(requests.Count, stamped.Count); i++)
            {
                if (requests[i].Operation == operation)
                {
                    return stamped[i];
                }
            }

            Thread.Sleep(1);
        }

        return null;
    }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }

    private void Run()
    {
        while (!stopping)
        {
            var count = api.Requests.Count;
            var now = Stopwatch.GetTimestamp();
            lock (gate)
            {
                while (stamps.Count < count)
                {
                    stamps.Add(now);
                }
            }

            Thread.Sleep(1);
        }
    }
}
