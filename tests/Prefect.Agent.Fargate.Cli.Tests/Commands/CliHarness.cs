using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Cli.Commands;
using Prefect.Agent.Fargate.Cli.Demo;

namespace Prefect.Agent.Fargate.Cli.Tests.Commands;

/// <summary>Runs the tool in-process with captured output, a fake agent and an injected environment.</summary>
internal sealed class CliHarness
{
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal);

    public CliHarness(FakeAgentHandle? agent = null)
    {
        Agent = agent ?? new FakeAgentHandle();
    }

    public FakeAgentHandle Agent { get; }

    public FakeLoggerProvider Logs { get; } = new();

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public int AgentsCreated { get; private set; }

    public string? LoggingAgentName { get; private set; }

    public LogLevel? LoggingLevel { get; private set; }

    public Func<AgentOptions, IAgentHandle>? AgentFactory { get; set; }

    public DemoScenario DemoScenario { get; set; } = DemoScenario.Default;

    public bool DemoIncluded { get; set; } = true;

    public bool OutputIsTerminal { get; set; }

    /// <summary>Gets or sets the demo's isolation; the real one (process environment) unless a test replaces it.</summary>
    public Func<IDisposable> IsolateDemoEnvironment { get; set; } = DemoEnvironment.IsolateProcess;

    public CliHarness WithEnvironment(string name, string value)
    {
        environment[name] = value;
        return this;
    }

    public Task<int> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var context = new CliContext
        {
            Out = Out,
            Error = Error,
            Environment = name => environment.GetValueOrDefault(name),
            HandleSignals = false,
            DemoScenario = DemoScenario,
            DemoIncluded = DemoIncluded,
            OutputIsTerminal = OutputIsTerminal,
            IsolateDemoEnvironment = IsolateDemoEnvironment,
            AgentFactory = AgentFactory ?? (options =>
            {
                AgentsCreated++;
                Agent.Options = options;
                return Agent;
            }),
            ConfigureLogging = (builder, name, level) =>
            {
                LoggingAgentName = name;
                LoggingLevel = level;
                builder.AddProvider(Logs);
            },
        };
        return CliApplication.InvokeAsync(args, context, cancellationToken);
    }

    public IReadOnlyList<string> LogMessages() => Logs.Collector.GetSnapshot().Select(r => r.Message).ToList();
}
