using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Prefect.Agent.Fargate.Cli.Demo;
using Prefect.Agent.Fargate.Cli.Logging;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>Everything the commands take from the process: streams, environment, agent, logging, signals.</summary>
internal sealed class CliContext
{
    public TextWriter Out { get; init; } = Console.Out;

    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Gets the environment lookup (log level and name fallbacks shown by the CLI itself).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Gets the factory of the agent; the real <see cref="FargateAgent"/> by default.</summary>
    public Func<AgentOptions, IAgentHandle> AgentFactory { get; init; } = options => new FargateAgentHandle(options);

    /// <summary>Gets the logging set-up, given the agent name and the minimum level; the console formatter by default.</summary>
    public Action<ILoggingBuilder, string, LogLevel> ConfigureLogging { get; init; } = ConfigureConsole;

    /// <summary>Gets a value indicating whether SIGINT and SIGTERM are handled (off in tests, which cancel instead).</summary>
    public bool HandleSignals { get; init; } = true;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets a value indicating whether <see cref="Out"/> is a terminal, where the demo updates its progress line in place.</summary>
    public bool OutputIsTerminal { get; init; } = !Console.IsOutputRedirected;

    /// <summary>Gets what the demo schedules and its timeout.</summary>
    public DemoScenario DemoScenario { get; init; } = DemoScenario.Default;

    /// <summary>Gets whether the demo runs (tests turn it off; a native build without it never runs it).</summary>
    public bool DemoIncluded { get; init; } = DemoFeature.IsSupported;

    /// <summary>Gets the isolation of the demo from the user's AWS and Prefect environment; restores it when disposed.</summary>
    public Func<IDisposable> IsolateDemoEnvironment { get; init; } = DemoEnvironment.IsolateProcess;

    private static void ConfigureConsole(ILoggingBuilder builder, string agentName, LogLevel level)
    {
        builder.AddConsole(o => o.FormatterName = PrefectConsoleFormatter.FormatterName);

        // Not AddConsoleFormatter<,>: it also binds the formatter options from configuration by reflection, which
        // is not trim/AOT-safe; these options are only ever set in code.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, PrefectConsoleFormatter>());
        builder.Services.Configure<PrefectConsoleFormatterOptions>(o =>
        {
            o.AgentName = agentName;
            o.IncludeExceptionDetails = level <= LogLevel.Debug;
        });
    }
}
