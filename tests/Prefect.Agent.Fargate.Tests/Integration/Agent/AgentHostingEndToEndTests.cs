using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>The agent as a hosted service bound from configuration, against the fakes.</summary>
public sealed class AgentHostingEndToEndTests
{
    [Fact]
    public async Task Host_AgentFromConfiguration_SubmitsTheRunAndIsHealthy()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FargateAgent:Name"] = "hosted-agent",
            ["FargateAgent:Backend"] = "Server",
            ["FargateAgent:ApiUrl"] = e2e.Api.Url.ToString(),
            ["FargateAgent:Labels:0"] = "aws",
            ["FargateAgent:Labels:1"] = "staging",
            ["FargateAgent:PollIntervals:0"] = "00:00:00.05",
            ["FargateAgent:RegionName"] = e2e.Ecs.Region,
            ["FargateAgent:AwsAccessKeyId"] = FakeEcs.AccessKeyId,
            ["FargateAgent:AwsSecretAccessKey"] = FakeEcs.SecretAccessKey,
            ["FargateAgent:EcsServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:TaggingServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:Kwargs:cpu"] = "256",
            ["FargateAgent:Kwargs:memory"] = "512",
            ["FargateAgent:Kwargs:cluster"] = "hosted",
            ["FargateAgent:Kwargs:networkConfiguration:awsvpcConfiguration:subnets:0"] = AgentEndToEnd.Subnet,
        });

        // The process environment must not leak in: the agent's environment lookup sees nothing.
        builder.Services.AddSingleton(new AgentComposition { Environment = _ => null });
        builder.Services.AddFargateAgent(builder.Configuration.GetSection("FargateAgent"));
        builder.Services.AddHealthChecks().AddFargateAgentHealthCheck();
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => run.State == "Submitted" && e2e.Api.Logs.Any(l => l.FlowRunId == run.Id), "the run is Submitted and logged");

            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, health.Status);
            Assert.Equal("Running", health.Entries["fargate-agent"].Data["state"]);
        }
        finally
        {
            await host.StopAsync();
        }

        var agent = Assert.Single(e2e.Api.Agents);
        Assert.Equal(("hosted-agent", "FargateAgent"), (agent.Name, agent.Type));
        Assert.Equal(["aws", "staging"], agent.Labels);
        var runTask = AgentEndToEnd.Body(e2e.Calls("RunTask").Single());
        Assert.Equal("hosted", runTask["cluster"]!.GetValue<string>());
        Assert.Equal(AgentEndToEnd.Subnet, runTask["networkConfiguration"]!["awsvpcConfiguration"]!["subnets"]![0]!.GetValue<string>());
        Assert.Equal("256", AgentEndToEnd.Body(e2e.Calls("RegisterTaskDefinition").Single())["cpu"]!.GetValue<string>());
        Assert.Equal("Submitted for execution: Task ARN: " + Assert.Single(e2e.Ecs.Tasks).TaskArn, e2e.Api.Logs.Single(l => l.FlowRunId == run.Id).Message);
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task Host_ApiKeyRefused_StopsTheHostUnhealthyWithoutLoggingTheKey()
    {
        const string WrongKey = "pnu_hostedWrongKeyMustNotBeLogged000";
        await using var e2e = await AgentEndToEnd.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(e2e.Logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FargateAgent:ApiUrl"] = e2e.Api.Url.ToString(),
            ["FargateAgent:ApiKey"] = WrongKey,
            ["FargateAgent:Labels:0"] = "aws",
            ["FargateAgent:RegionName"] = e2e.Ecs.Region,
            ["FargateAgent:EcsServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:TaggingServiceUrl"] = e2e.Ecs.Url.ToString(),
            ["FargateAgent:Kwargs:cpu"] = "256",
            ["FargateAgent:Kwargs:memory"] = "512",
        });
        builder.Services.AddSingleton(new AgentComposition { Environment = _ => null });
        builder.Services.AddFargateAgent(builder.Configuration.GetSection("FargateAgent"));
        builder.Services.AddHealthChecks().AddFargateAgentHealthCheck();
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the refused key stops the host");

            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Equal("Faulted", health.Entries["fargate-agent"].Data["state"]);
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Empty(e2e.Api.Agents);
        Assert.Contains(e2e.Logs.Collector.GetSnapshot(), r => r.Exception is PrefectAuthenticationException);
        var logs = e2e.AllLogText();
        Assert.Contains("API key", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, logs, StringComparison.Ordinal);
    }
}
