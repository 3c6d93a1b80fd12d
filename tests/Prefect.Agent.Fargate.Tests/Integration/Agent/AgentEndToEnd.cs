using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// The real agent over real HTTP: a <see cref="FakePrefectApi"/> and a <see cref="FakeEcs"/>, with the agent's
/// environment given through its internal lookup seam (<see cref="AgentComposition.Environment"/>), never the process's.
/// </summary>
internal sealed class AgentEndToEnd : IAsyncDisposable
{
    public const string Image = "registry.example.com/flows/etl:2024-01";
    public const string Subnet = "subnet-0a1b";

    private AgentEndToEnd(FakePrefectApi api, FakeEcs ecs)
    {
        Api = api;
        Ecs = ecs;
    }

    public FakePrefectApi Api { get; }

    public FakeEcs Ecs { get; }

    /// <summary>Gets the agent's environment (what the original read from <c>os.environ</c>).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every log line of every category, at Trace level.</summary>
    public FakeLoggerProvider Logs { get; } = new();

    public static async Task<AgentEndToEnd> StartAsync(FakePrefectApiOptions? prefect = null, FakeEcsOptions? ecs = null)
    {
        var api = await FakePrefectApi.StartAsync(prefect);
        var fakeEcs = await FakeEcs.StartAsync(ecs);
        var e2e = new AgentEndToEnd(api, fakeEcs);
        e2e.UseServerEnvironment();
        return e2e;
    }

    /// <summary>The original's environment of a Prefect Server agent with the kwargs Fargate needs, and AWS keys for the fake.</summary>
    public void UseServerEnvironment()
    {
        Environment["PREFECT__BACKEND"] = "server";
        Environment["PREFECT__CLOUD__API"] = Api.Url.ToString();
        Environment["PREFECT__CLOUD__AGENT__NAME"] = "e2e-agent";
        Environment["PREFECT__CLOUD__AGENT__LABELS"] = "['aws', 'staging']";
        Environment["cpu"] = "256";
        Environment["memory"] = "512";
        Environment["cluster"] = "prefect";
        Environment["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['" + Subnet + "'], 'assignPublicIp': 'ENABLED'}}";
        Environment["AWS_ACCESS_KEY_ID"] = FakeEcs.AccessKeyId;
        Environment["AWS_SECRET_ACCESS_KEY"] = FakeEcs.SecretAccessKey;
        Environment["REGION_NAME"] = Ecs.Region;
    }

    /// <summary>
    /// The options the environment cannot give: the fake's ECS endpoints, a poll limit and a short poll interval (test
    /// speed only), and the captured logs.
    /// </summary>
    public AgentOptions Options(int? maxPolls = 1) => new()
    {
        MaxPolls = maxPolls,
        PollIntervals = [TimeSpan.FromMilliseconds(10)],
        EcsServiceUrl = Ecs.Url,
        TaggingServiceUrl = Ecs.Url,
        LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs)),
    };

    /// <summary>
    /// Gets or sets whether the agent's back-offs are cut to milliseconds (per-call retries 2 ms base, deployment retries
    /// 10-50 ms) through the composition's test seams, for tests of outcomes on the real clock (never of timings).
    /// </summary>
    public bool FastRetries { get; set; }

    public AgentComposition Composition() => new()
    {
        Environment = name => Environment.GetValueOrDefault(name),
        EcsRetryBaseDelay = FastRetries ? TimeSpan.FromMilliseconds(2) : null,
        DeploymentRetryDelays = FastRetries ? (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)) : null,
    };

    /// <summary>Creates the agent with its default Prefect, ECS and S3 implementations.</summary>
    public FargateAgent CreateAgent(AgentOptions options, IFlowRunSource? source = null, IExternalKwargsProvider? externalKwargs = null) =>
        new(options, Composition(), optionsName: null, source, taskDefinitionRegistry: null, taskLauncher: null, externalKwargs);

    /// <summary>Runs the agent until <c>MaxPolls</c> ends it (a generous guard only against a hang).</summary>
    public async Task RunAsync(AgentOptions options, IFlowRunSource? source = null)
    {
        await using var agent = CreateAgent(options, source);
        await agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public FakeFlowRun AddRun(string flowName = "ETL flow", IEnumerable<string>? labels = null, string? image = Image) =>
        Api.AddScheduledFlowRun(flowName, labels: labels ?? ["aws"], image: image);

    /// <summary>A run whose image cannot be resolved: a legacy environment without an image, and S3 storage.</summary>
    public FakeFlowRun AddRunWithoutImage(string flowName = "No image flow") => Api.AddFlowRun(new FakeFlowRunOptions
    {
        FlowName = flowName,
        Labels = ["aws"],
        Environment = new JsonObject { ["type"] = "LocalEnvironment", ["metadata"] = new JsonObject() },
        Storage = new JsonObject { ["type"] = "S3", ["bucket"] = "flows" },
    });

    /// <summary>The requests the Prefect fake refused (SDL validation, bad variables, errors).</summary>
    public IReadOnlyList<string> PrefectErrors() =>
        Api.Requests.Where(r => r.StatusCode != 200 || r.Errors.Count > 0)
            .Select(r => $"{r.Operation}: HTTP {r.StatusCode} {string.Join("; ", r.Errors)}")
            .ToList();

    public IReadOnlyList<FakeEcsRequest> Calls(string operation) => Ecs.Requests.Where(r => r.Operation == operation).ToList();

    /// <summary>The states of a request's set_flow_run_states field: its own document's $input, or a claim-then-poll document's $states.</summary>
    public static JsonArray ClaimsIn(FakePrefectRequest request)
    {
        var variables = JsonNode.Parse(request.Variables!)!;
        return (variables["states"] ?? variables["input"])!["states"]!.AsArray();
    }

    public static JsonObject Body(FakeEcsRequest request) =>
        request.ParseBody() ?? throw new Xunit.Sdk.XunitException($"{request.Operation} body is not JSON: {request.Body}");

    /// <summary>The <c>name=value</c> pairs of an ECS environment list.</summary>
    public static Dictionary<string, string?> EnvironmentOf(JsonNode? list) =>
        ((JsonArray)list!).ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>(), StringComparer.Ordinal);

    /// <summary>Everything logged: messages, structured values, scopes and exceptions (type, message, stack).</summary>
    public string AllLogText()
    {
        var text = new System.Text.StringBuilder();
        foreach (var record in Logs.Collector.GetSnapshot())
        {
            text.Append(record.Level).Append(' ').Append(record.Category).Append(": ").AppendLine(record.Message);
            foreach (var pair in record.StructuredState ?? [])
            {
                text.Append("  ").Append(pair.Key).Append('=').AppendLine(pair.Value);
            }

            foreach (var scope in record.Scopes)
            {
                text.Append("  scope ").AppendLine(ScopeText(scope));
            }

            if (record.Exception is { } exception)
            {
                text.AppendLine(exception.ToString());
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Logs.Dispose();
        await Ecs.DisposeAsync();
        await Api.DisposeAsync();
    }

    private static string ScopeText(object? scope) => scope switch
    {
        null => string.Empty,
        IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")),
        _ => scope.ToString() ?? string.Empty,
    };
}
