// DirectUse: the Fargate agent without a host: options in code, start, stop with Ctrl+C.
//   dotnet run -- [prefect-api-url] [ecs-endpoint-url] [max-polls]
// Each argument is optional; left out, the library reads the original's environment variables
// (PREFECT__CLOUD__API, AWS_ENDPOINT_URL_ECS, ...) and polls until stopped.
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate;

// 1. Endpoints from the command line, so the sample can be pointed at local fakes or LocalStack.
Uri? apiUrl = args.Length > 0 ? new Uri(args[0]) : null;
Uri? ecsUrl = args.Length > 1 ? new Uri(args[1]) : null;
int? maxPolls = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : null;

// 2. Logging: the agent logs through any ILoggerFactory.
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));

// 3. The options: every constructor argument of the Python FargateAgent has a .NET-named property, and its
//    **kwargs (RegisterTaskDefinition, RunTask and container settings) go to Kwargs, as JSON or as strings.
var options = new AgentOptions
{
    ApiUrl = apiUrl,
    EcsServiceUrl = ecsUrl,
    MaxPolls = maxPolls,
    Name = "direct-use",
    Labels = { "aws", "fargate" },
    LaunchType = "FARGATE",
    Kwargs =
    {
        ["cpu"] = "256",
        ["memory"] = "512",
        ["cluster"] = "prefect",
        ["networkConfiguration"] = JsonNode.Parse(
            """{"awsvpcConfiguration": {"subnets": ["subnet-0123456789abcdef0"], "assignPublicIp": "ENABLED"}}"""),
    },
    LoggerFactory = loggerFactory,
};

// 4. Ctrl+C stops the agent gracefully: polling stops and in-flight deployments finish first.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// 5. Run: StartAsync registers with Prefect, polls, and completes once stopped (or after MaxPolls).
await using var agent = new FargateAgent(options);
try
{
    await agent.StartAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Stopped by Ctrl+C: not an error.
}
