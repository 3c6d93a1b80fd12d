using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>An agent wired to in-memory fakes, a recording fake clock and an injected environment.</summary>
internal sealed class AgentHarness
{
    public FakeFlowRunSource Source { get; } = new();

    public FakeTaskDefinitionRegistry Registry { get; } = new();

    public FakeTaskLauncher Launcher { get; } = new();

    public FakeExternalKwargsProvider External { get; } = new();

    public FakeDeploymentPlanner Planner { get; } = new();

    public RecordingTimeProvider Time { get; } = new();

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Gets the process exit codes a host set (instead of the test process's <see cref="System.Environment.ExitCode"/>).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> ExitCodes { get; } = new();

    public Func<IEnumerable<KeyValuePair<string, JsonNode?>>, Func<string, string?>?, ParsedKwargs> ParseKwargs { get; set; } =
        (_, _) => new ParsedKwargs(new JsonObject(), new JsonObject(), new JsonObject());

    /// <summary>Gets or sets the deployment retry back-off (first, cap); <see langword="null"/>: the agent's 1 s and 30 s.</summary>
    public (TimeSpan First, TimeSpan Max)? DeploymentRetryDelays { get; set; }

    public AgentComposition Composition => new()
    {
        DeploymentRetryDelays = DeploymentRetryDelays,
        Environment = key => Environment.TryGetValue(key, out var value) ? value : null,
        ParseLiteral = FakeLiteral.Parse,
        ParseKwargs = ParseKwargs,
        CreatePlanner = (_, _) => Planner,
        SetExitCode = ExitCodes.Enqueue,
    };

    public AgentOptions Options(Action<AgentOptions>? configure = null)
    {
        var options = new AgentOptions
        {
            Name = "test-agent",
            Labels = ["aws", "staging"],
            TimeProvider = Time,
            LoggerFactory = LoggerFactory,
            ShutdownDrainTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return options;
    }

    public FargateAgent Create(Action<AgentOptions>? configure = null) => Create(Options(configure));

    public FargateAgent Create(AgentOptions options) =>
        new(options, Composition, Microsoft.Extensions.Options.Options.DefaultName, Source, Registry, Launcher, External);
}
