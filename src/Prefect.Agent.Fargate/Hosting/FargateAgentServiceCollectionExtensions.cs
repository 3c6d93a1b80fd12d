using Amazon.Extensions.NETCore.Setup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Hosting;
using Prefect.Agent.Fargate;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Fargate agents as hosted services.</summary>
public static class FargateAgentServiceCollectionExtensions
{
    /// <summary>Adds a Fargate agent configured only from the environment (as the original CLI).</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services) =>
        AddFargateAgent(services, Options.Options.DefaultName);

    /// <summary>Adds a Fargate agent configured by a delegate.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services, Action<AgentOptions> configure) =>
        AddFargateAgent(services, Options.Options.DefaultName, configure);

    /// <summary>Adds a Fargate agent bound to a configuration section (e.g. <c>Configuration.GetSection("FargateAgent")</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section; <c>Kwargs</c> children become JSON values, leaf values stay strings.</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services, IConfiguration configuration) =>
        AddFargateAgent(services, Options.Options.DefaultName, configuration);

    /// <summary>Adds a named Fargate agent configured only from the environment; names let several agents run side by side.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The registration name (also the name of its <see cref="AgentOptions"/>).</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    /// <exception cref="InvalidOperationException">An agent with this name is already registered.</exception>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        return AddCore(services, name);
    }

    /// <summary>Adds a named Fargate agent configured by a delegate.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    /// <exception cref="InvalidOperationException">An agent with this name is already registered.</exception>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services, string name, Action<AgentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services, name);
        services.Configure(name, configure);
        return builder;
    }

    /// <summary>Adds a named Fargate agent bound to a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="configuration">The section.</param>
    /// <returns>A builder to replace the agent's seams.</returns>
    /// <exception cref="InvalidOperationException">An agent with this name is already registered.</exception>
    public static IFargateAgentBuilder AddFargateAgent(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, name);
        services.AddOptions<AgentOptions>(name).Configure(options => AgentOptionsConfiguration.Bind(configuration, options));
        services.AddSingleton<IOptionsChangeTokenSource<AgentOptions>>(new ConfigurationChangeTokenSource<AgentOptions>(name, configuration));
        return builder;
    }

    private static FargateAgentBuilder AddCore(IServiceCollection services, string name)
    {
        if (services.Any(d => d.ServiceType == typeof(FargateAgentRegistration) && d.ImplementationInstance is FargateAgentRegistration r && r.Name == name))
        {
            throw new InvalidOperationException(
                $"A Fargate agent named '{name}' is already registered. Give each AddFargateAgent call its own name, e.g. AddFargateAgent(\"staging\", ...).");
        }

        services.AddSingleton(new FargateAgentRegistration(name));
        services.AddOptionsWithValidateOnStart<AgentOptions>(name).PostConfigure<IServiceProvider>(ApplyContainerDefaults);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, ResolvingAgentOptionsValidator>());
        services.TryAddSingleton(AgentComposition.Default);
        services.TryAddSingleton<FargateAgentRegistry>();

        // One owner of the ECS rate limits per container: its agents share buckets per endpoint and region.
        services.TryAddSingleton<EcsRateLimiter>();

        // The defaults: a seam registered without a key is used by every agent; AddFlowRunSource<T>() and friends
        // replace one agent's. Only when neither exists does the agent get the Prefect, ECS and S3 implementations.
        services.TryAddKeyedSingleton<IFlowRunSource>(name, (sp, _) =>
            sp.GetService<IFlowRunSource>() ?? sp.GetRequiredService<AgentComposition>().CreateFlowRunSource(Resolve(sp, name)));
        services.TryAddKeyedSingleton<EcsAgentServices>(name, (sp, _) => sp.GetRequiredService<AgentComposition>().CreateEcs(Resolve(sp, name)));
        services.TryAddKeyedSingleton<ITaskDefinitionRegistry>(name, (sp, _) =>
            sp.GetService<ITaskDefinitionRegistry>() ?? sp.GetRequiredKeyedService<EcsAgentServices>(name).Registry);
        services.TryAddKeyedSingleton<ITaskLauncher>(name, (sp, _) =>
            sp.GetService<ITaskLauncher>() ?? sp.GetRequiredKeyedService<EcsAgentServices>(name).Launcher);
        services.TryAddKeyedSingleton<ITaskMonitor>(name, (sp, _) =>
            sp.GetService<ITaskMonitor>() ?? sp.GetRequiredKeyedService<EcsAgentServices>(name).Monitor);

        // The run-state reader of the task watch and the reconciler: one registered for the agent (AddFlowRunMonitor),
        // one without a key, or else the flow-run source when it is one (the Prefect source is).
        services.TryAddKeyedSingleton<IFlowRunMonitor>(name, (sp, _) =>
            sp.GetService<IFlowRunMonitor>() ?? (sp.GetRequiredKeyedService<IFlowRunSource>(name) as IFlowRunMonitor)!);
        services.TryAddKeyedSingleton<IExternalKwargsProvider>(name, (sp, _) =>
            sp.GetService<IExternalKwargsProvider>() ?? sp.GetRequiredService<AgentComposition>().CreateExternalKwargs(Resolve(sp, name)));

        // A factory, not AddHostedService<T>(): that registers one instance per type, so a second named agent would
        // silently never start (dotnet/runtime#38751).
        services.AddSingleton<IHostedService>(sp => CreateHostedService(sp, name));
        return new FargateAgentBuilder(name, services);
    }

    private static FargateAgentHostedService CreateHostedService(IServiceProvider sp, string name)
    {
        var options = sp.GetRequiredService<IOptionsMonitor<AgentOptions>>().Get(name);
        var agent = new FargateAgent(
            options,
            sp.GetRequiredService<AgentComposition>(),
            name,
            sp.GetRequiredKeyedService<IFlowRunSource>(name),
            sp.GetRequiredKeyedService<ITaskDefinitionRegistry>(name),
            sp.GetRequiredKeyedService<ITaskLauncher>(name),
            sp.GetRequiredKeyedService<IExternalKwargsProvider>(name),
            new DeferredTaskMonitor(() => sp.GetRequiredKeyedService<ITaskMonitor>(name)),
            sp.GetKeyedService<IFlowRunMonitor>(name));
        sp.GetRequiredService<FargateAgentRegistry>().Add(name, agent);

        // The hosted service logs a fatal error once, with what the host does about it; the agent does not log it too.
        agent.FatalErrorsLoggedByHost = true;
        return new FargateAgentHostedService(
            agent,
            name,
            options.OnFatalError,
            sp.GetRequiredService<AgentComposition>().SetExitCode,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetService<ILogger<FargateAgentHostedService>>() ?? NullLogger<FargateAgentHostedService>.Instance);
    }

    private static AgentOptions Resolve(IServiceProvider sp, string name)
    {
        return sp.GetRequiredService<AgentComposition>().Resolve(sp.GetRequiredService<IOptionsMonitor<AgentOptions>>().Get(name));
    }

    // What the container knows fills only what the user left unset.
    private static void ApplyContainerDefaults(AgentOptions options, IServiceProvider sp)
    {
        if (options.LoggerFactory is null or NullLoggerFactory)
        {
            options.LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        }

        if ((options.TimeProvider is null || ReferenceEquals(options.TimeProvider, TimeProvider.System)) && sp.GetService<TimeProvider>() is { } clock)
        {
            options.TimeProvider = clock;
        }

        options.MeterFactory ??= sp.GetService<System.Diagnostics.Metrics.IMeterFactory>();
        if (options.EcsRateLimits is { Limiter: null } limits)
        {
            limits.Limiter = sp.GetRequiredService<EcsRateLimiter>();
        }

        if (sp.GetService<AWSOptions>() is { } aws)
        {
            if (string.IsNullOrEmpty(options.RegionName) && aws.Region is { } region)
            {
                options.RegionName = region.SystemName;
            }

            if (options.AwsCredentials is null && string.IsNullOrEmpty(options.AwsAccessKeyId) && aws.Credentials is { } credentials)
            {
                options.AwsCredentials = credentials;
            }
        }
    }
}
