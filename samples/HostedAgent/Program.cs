// HostedAgent: the Fargate agent inside a .NET Generic Host, configured from appsettings.json.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// 1. The host reads appsettings.json, then environment variables, then the command line, so the Prefect API and the
//    AWS endpoints can be pointed elsewhere (a local fake, LocalStack) without editing the file:
//      FargateAgent__ApiUrl=http://127.0.0.1:4200 FargateAgent__EcsServiceUrl=http://127.0.0.1:4566 dotnet run
//      dotnet run -- --FargateAgent:ApiUrl=http://127.0.0.1:4200 --FargateAgent:MaxPolls=3
var builder = Host.CreateApplicationBuilder(args);

// 2. Register the agent, bound to the "FargateAgent" section. Whatever the section leaves out falls back to the
//    environment variables of Prefect 0.15's agent: PREFECT__CLOUD__API_KEY, PREFECT__CLOUD__AGENT__LABELS,
//    AWS_ACCESS_KEY_ID, REGION_NAME, cpu, memory, networkConfiguration, ...
builder.Services.AddFargateAgent(builder.Configuration.GetSection("FargateAgent"));

// 3. Run until Ctrl+C or SIGTERM: stopping the host stops the agent, which first waits for the deployments in
//    flight, up to ShutdownDrainTimeout. The agent can also end the host itself:
//    - with MaxPolls, after that many polls (and the drain): the process exits 0;
//    - on a fatal error (no or a refused API key, invalid options), logged once: with "OnFatalError": "StopHost"
//      (the default) the host stops and the process exits 1; with "Ignore" the host keeps running and the agent's
//      health check (AddHealthChecks().AddFargateAgentHealthCheck()) reports Unhealthy.
await builder.Build().RunAsync();
