using System.Diagnostics;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// The agent under test, in its own process (so that its memory and CPU are its own), with its output in a log file.
/// It samples <c>/proc</c> in the background while it runs.
/// </summary>
internal sealed class AgentProcess : IAgentUnderTest
{
    private readonly Process process;
    private readonly CancellationTokenSource sampling = new();
    private readonly Task sampler;
    private readonly object gate = new();
    private long maxRss;

    private AgentProcess(Process process, long startedTimestamp, string logPath)
    {
        this.process = process;
        StartedTimestamp = startedTimestamp;
        LogPath = logPath;
        sampler = Task.Run(() => SampleAsync(sampling.Token));
    }

    /// <summary>Gets the <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartedTimestamp { get; }

    public string LogPath { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Gets the highest <c>VmRSS</c> seen by the sampler (the kernel's <c>VmHWM</c> is in <see cref="Read"/>).</summary>
    public long MaxSampledRss
    {
        get
        {
            lock (gate)
            {
                return maxRss;
            }
        }
    }

    public static AgentProcess Start(AgentCommand command, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        // sh only redirects the output and then exec's the agent, so the pid is the agent's.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=$1; shift; exec \"$@\" >\"$log\" 2>&1");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(logPath);
        info.ArgumentList.Add(command.FileName);
        foreach (var argument in command.LeadingArguments.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        // A clean slate: nothing from the driver's own AWS or Prefect settings leaks into the agent.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("PREFECT__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command.FileName}.");
        return new AgentProcess(process, started, logPath);
    }

    public ProcSample? Read() => ProcSample.TryRead(process.Id);

    /// <summary>Asks the agent to stop (SIGTERM: it drains and exits) and waits for it.</summary>
    /// <param name="timeout">How long to wait before killing it.</param>
    /// <returns>The exit code, or <see langword="null"/> when it had to be killed.</returns>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        return await WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await sampling.CancelAsync().ConfigureAwait(false);
        try
        {
#pragma warning disable VSTHRD003 // Started by this object; a console app has no synchronization context.
            await sampler.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
        sampling.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        using var statm = ProcSample.OpenStatm(process.Id);
        var buffer = new byte[256];
        while (statm is not null && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ProcSample.TryReadRss(statm, buffer) is not { } rss)
            {
                continue;
            }

            lock (gate)
            {
                maxRss = Math.Max(maxRss, rss);
            }
        }
    }
}
