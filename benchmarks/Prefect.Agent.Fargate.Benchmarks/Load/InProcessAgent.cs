using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// The library's <see cref="FargateAgent"/> in this process, with options the CLI has no flag for (the client-side
/// ECS rate governor off when the fake enforces no quotas). It measures the agent's own capacity; memory and CPU
/// cannot be told apart from the fakes' here, so those figures come from the CLI runs only.
/// </summary>
internal sealed class InProcessAgent : IAgentUnderTest
{
    private readonly FargateAgent agent;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;

    private InProcessAgent(FargateAgent agent, long started)
    {
        this.agent = agent;
        StartedTimestamp = started;
        running = Task.Run(() => agent.StartAsync(stopping.Token));
    }

    public long StartedTimestamp { get; }

    public bool HasExited => running.IsCompleted;

    public long MaxSampledRss => 0;

    public static InProcessAgent Start(Uri api, string label, IReadOnlyList<string> kwargs, FakeEcs ecs, bool governor, string? name = null)
    {
        var started = Stopwatch.GetTimestamp();
        var options = new AgentOptions
        {
            ApiUrl = api,
            Backend = PrefectBackend.Server,
            Labels = [label],
            Name = name,
            LoggerFactory = NullLoggerFactory.Instance,
        };
        ecs.ApplyTo(options);
        options.EcsRateLimits.Enabled = governor;
        foreach (var item in kwargs)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            options.Kwargs[item[..eq]] = JsonValue.Create(item[(eq + 1)..]);
        }

        return new InProcessAgent(new FargateAgent(options), started);
    }

    public ProcSample? Read() => null;

    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
#pragma warning disable VSTHRD003 // Started by this object; a console app has no synchronization context.
            await running.WaitAsync(timeout, TimeProvider.System).ConfigureAwait(false);
#pragma warning restore VSTHRD003
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await agent.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
