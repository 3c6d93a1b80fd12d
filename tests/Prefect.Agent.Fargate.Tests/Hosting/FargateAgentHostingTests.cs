using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Hosting;

public sealed class FargateAgentHostingTests
{
    [Fact]
    public async Task AddFargateAgent_HostRuns_DeploysARunAndStops()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(harness.Composition);
        builder.Services.AddSingleton<TimeProvider>(harness.Time);
        builder.Services.AddSingleton<IFlowRunSource>(harness.Source);
        builder.Services.AddFargateAgent(o => o.Name = "hosted").AddTaskDefinitionRegistry<FakeTaskDefinitionRegistry>().AddTaskLauncher<FakeTaskLauncher>();
        using var host = builder.Build();

        await host.StartAsync();
        await Eventually.TrueAsync(() => harness.Source.Logs.Count == 1, "the run is submitted");
        await host.StopAsync();

        Assert.Equal("hosted", harness.Source.Registration!.Name);
        Assert.StartsWith("Submitted for execution: Task ARN: ", Assert.Single(harness.Source.Logs).Message, StringComparison.Ordinal);
        var launcher = (FakeTaskLauncher)host.Services.GetRequiredKeyedService<ITaskLauncher>(Microsoft.Extensions.Options.Options.DefaultName);
        Assert.Equal("run-1", Assert.Single(launcher.Requests).FlowRunId);
    }

    [Fact]
    public async Task AddFargateAgent_TwoNames_RunSideBySideWithTheirOwnSeams()
    {
        var harness = new AgentHarness();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(harness.Composition);
        builder.Services.AddSingleton<TimeProvider>(harness.Time);
        builder.Services.AddSingleton<ITaskDefinitionRegistry>(harness.Registry);
        builder.Services.AddSingleton<ITaskLauncher>(harness.Launcher);
        builder.Services.AddFargateAgent("a", o => o.Name = "agent-a").AddFlowRunSource<FakeFlowRunSource>();
        builder.Services.AddFargateAgent("b", o => o.Name = "agent-b").AddFlowRunSource<FakeFlowRunSource>();
        using var host = builder.Build();
        var a = (FakeFlowRunSource)host.Services.GetRequiredKeyedService<IFlowRunSource>("a");
        var b = (FakeFlowRunSource)host.Services.GetRequiredKeyedService<IFlowRunSource>("b");

        await host.StartAsync();
        await Task.WhenAll(a.Registered.Task, b.Registered.Task).WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.NotSame(a, b);
        Assert.Equal("agent-a", a.Registration!.Name);
        Assert.Equal("agent-b", b.Registration!.Name);
    }

    [Fact]
    public void AddFargateAgent_SameNameTwice_IsRejected()
    {
        var services = new ServiceCollection();
        services.AddFargateAgent("pool-1");

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddFargateAgent("pool-1", _ => { }));

        Assert.Contains("'pool-1' is already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFargateAgent_FatalError_StopsTheHostWithExitCode1AndLogsOnce()
    {
        using var logs = new FakeLoggerProvider();
        var harness = new AgentHarness();
        harness.Source.RegisterException = new PrefectAuthenticationException("refused");

        var stopped = await RunUntilTheHostStopsItselfAsync(harness, _ => { }, logs);

        Assert.True(stopped);
        Assert.Equal([1], harness.ExitCodes);
        var withException = logs.Collector.GetSnapshot().Where(r => r.Exception is not null).ToList();
        var line = Assert.Single(withException);
        Assert.Equal(LogLevel.Critical, line.Level);
        Assert.Equal("Fargate agent stopped with a fatal error; stopping the host (exit code 1)", line.Message);
        Assert.IsType<PrefectAuthenticationException>(line.Exception);
    }

    [Fact]
    public async Task AddFargateAgent_FatalErrorWithIgnore_HostKeepsRunningAndHealthIsUnhealthy()
    {
        using var logs = new FakeLoggerProvider();
        var harness = new AgentHarness();
        harness.Source.RegisterException = new PrefectAuthenticationException("refused");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton(harness.Composition);
        builder.Services.AddSingleton<TimeProvider>(harness.Time);
        builder.Services.AddSingleton<IFlowRunSource>(harness.Source);
        builder.Services.AddSingleton<ITaskDefinitionRegistry>(harness.Registry);
        builder.Services.AddSingleton<ITaskLauncher>(harness.Launcher);
        builder.Services.AddFargateAgent("embedded", o => o.OnFatalError = FatalErrorBehavior.Ignore);
        builder.Services.AddHealthChecks().AddFargateAgentHealthCheck("embedded");
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        await Eventually.TrueAsync(
            () => logs.Collector.GetSnapshot().Any(r => r.Exception is PrefectAuthenticationException), "the fatal error is logged");
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Empty(harness.ExitCodes);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("The poll loop of Fargate agent 'embedded' stopped (Faulted).", health.Entries["fargate-agent-embedded"].Description);
        var line = Assert.Single(logs.Collector.GetSnapshot(), r => r.Exception is not null);
        Assert.Equal(
            "Fargate agent 'embedded' stopped with a fatal error; the host keeps running (OnFatalError is Ignore) and the agent's health check reports Unhealthy",
            line.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddFargateAgent_OnFatalErrorFromConfiguration_IsBound()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:OnFatalError"] = "Ignore" }).Build();
        var harness = new AgentHarness();
        var services = new ServiceCollection().AddSingleton(harness.Composition);
        services.AddFargateAgent(configuration.GetSection("Agent"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AgentOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);

        Assert.Equal(FatalErrorBehavior.Ignore, options.OnFatalError);
    }

    [Fact]
    public void AgentOptions_UndefinedOnFatalError_IsRejectedWithTheFix()
    {
        var harness = new AgentHarness();

        var ex = Assert.Throws<OptionsValidationException>(() => harness.Create(o => o.OnFatalError = (FatalErrorBehavior)7));

        Assert.Contains("OnFatalError", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FatalErrorBehavior.Ignore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFargateAgent_MaxPollsReached_StopsTheHostLikeTheOriginalStartReturning()
    {
        var harness = new AgentHarness();
        harness.Source.OnPoll = (n, _) => n == 1 ? new FlowRunPage { Runs = [FlowRuns.Create("run-1")] } : FlowRunPage.Empty;

        var stopped = await RunUntilTheHostStopsItselfAsync(harness, o => o.MaxPolls = 1);

        Assert.True(stopped);
        Assert.Empty(harness.ExitCodes);
        Assert.Equal(1, harness.Source.PollCount);
        Assert.StartsWith("Submitted for execution: Task ARN: ", Assert.Single(harness.Source.Logs).Message, StringComparison.Ordinal);
    }

    /// <summary>Runs a host with one agent over the harness's seams until the host starts stopping on its own.</summary>
    /// <returns>Whether the application's stopping token fired.</returns>
    private static async Task<bool> RunUntilTheHostStopsItselfAsync(AgentHarness harness, Action<AgentOptions> configure, FakeLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (logs is not null)
        {
            builder.Logging.ClearProviders().AddProvider(logs);
        }

        builder.Services.AddSingleton(harness.Composition);
        builder.Services.AddSingleton<TimeProvider>(harness.Time);
        builder.Services.AddSingleton<IFlowRunSource>(harness.Source);
        builder.Services.AddSingleton<ITaskDefinitionRegistry>(harness.Registry);
        builder.Services.AddSingleton<ITaskLauncher>(harness.Launcher);
        builder.Services.AddFargateAgent(configure);
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();
        return lifetime.ApplicationStopping.IsCancellationRequested;
    }

    [Fact]
    public void AddFargateAgent_Configuration_BindsOptionsAndKwargs()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Name"] = "configured",
            ["Agent:Labels:0"] = "aws",
            ["Agent:Labels:1"] = "prod",
            ["Agent:MaxPolls"] = "3",
            ["Agent:Backend"] = "Server",
            ["Agent:ApiUrl"] = "http://prefect:4200",
            ["Agent:PollIntervals:0"] = "00:00:01",
            ["Agent:PollIntervals:1"] = "00:00:05",
            ["Agent:ShutdownDrainTimeout"] = "00:00:05",
            ["Agent:BotocoreConfig:MaxAttempts"] = "7",
            ["Agent:EnvVars:TEAM"] = "data",
            ["Agent:Kwargs:cpu"] = "1024",
            ["Agent:Kwargs:networkConfiguration:awsvpcConfiguration:subnets:0"] = "subnet-1",
            ["Agent:Kwargs:networkConfiguration:awsvpcConfiguration:subnets:1"] = "subnet-2",
            ["Agent:Kwargs:networkConfiguration:awsvpcConfiguration:assignPublicIp"] = "ENABLED",
        }).Build();
        var harness = new AgentHarness();
        var services = new ServiceCollection().AddSingleton(harness.Composition);
        services.AddFargateAgent(configuration.GetSection("Agent"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AgentOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);

        Assert.Equal("configured", options.Name);
        Assert.Equal(["aws", "prod"], options.Labels);
        Assert.Equal(3, options.MaxPolls);
        Assert.Equal(PrefectBackend.Server, options.Backend);
        Assert.Equal(new Uri("http://prefect:4200"), options.ApiUrl);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)], options.PollIntervals);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownDrainTimeout);
        Assert.Equal(7, options.BotocoreConfig.MaxAttempts);
        Assert.Equal("data", options.EnvVars["TEAM"]);
        Assert.Equal("1024", options.Kwargs["cpu"]!.GetValue<string>());
        var vpc = options.Kwargs["networkConfiguration"]!["awsvpcConfiguration"]!;
        Assert.Equal("""["subnet-1","subnet-2"]""", vpc["subnets"]!.ToJsonString());
        Assert.Equal("ENABLED", vpc["assignPublicIp"]!.GetValue<string>());
    }

    [Fact]
    public void AddFargateAgent_ContainerServices_FillOnlyWhatIsUnset()
    {
        var harness = new AgentHarness();
        var services = new ServiceCollection().AddSingleton(harness.Composition).AddLogging().AddMetrics();
        services.AddSingleton<TimeProvider>(harness.Time);
        services.AddSingleton(new Amazon.Extensions.NETCore.Setup.AWSOptions { Region = Amazon.RegionEndpoint.EUWest2 });
        services.AddFargateAgent(o => o.Name = "x");
        services.AddFargateAgent("explicit", o => o.RegionName = "us-east-2");
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<AgentOptions>>();

        var options = monitor.Get(Microsoft.Extensions.Options.Options.DefaultName);

        Assert.Same(harness.Time, options.TimeProvider);
        Assert.NotNull(options.MeterFactory);
        Assert.IsNotType<Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory>(options.LoggerFactory);
        Assert.Equal("eu-west-2", options.RegionName);
        Assert.Equal("us-east-2", monitor.Get("explicit").RegionName);
    }
}
