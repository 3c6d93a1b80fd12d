using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Pipeline;
using Prefect.Agent.Fargate.Testing.Ecs;
using RealEcsClient = Prefect.Agent.Fargate.Ecs.Client.EcsClient;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>
/// The deployment seam without the agent loop, over real HTTP: kwargs pipeline, <see cref="DeploymentPlanner"/>, the
/// default ECS services over the signed <see cref="RealEcsClient"/>, and a <see cref="FakeEcs"/>. One deployment is
/// plan -> <c>Registry.EnsureAsync</c> -> <c>taskDefinition</c> into the RunTask body -> <c>Launcher.RunTaskAsync</c>
/// (the pipeline's <see cref="DefinitionAndLaunch"/> step).
/// </summary>
internal sealed class EcsDeployment : IAsyncDisposable
{
    public const string FlowId = "a718df81-1f8e-4d2b-9c3a-0123456789ab";
    public const string OtherFlowId = "b829e092-2f9f-4e3c-8d4b-1234567890bc";
    public const string RunId = "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";
    public const string Image = "registry.example.com/flows/etl:2024-01";

    private readonly bool ownsFake;

    private EcsDeployment(FakeEcs ecs, bool ownsFake, AgentOptions options, ParsedKwargs kwargs)
    {
        Ecs = ecs;
        this.ownsFake = ownsFake;
        Options = options;
        Kwargs = kwargs;
        Planner = new DeploymentPlanner(options, kwargs);
        Services = EcsAgentServices.Create(options, RealEcsClient.Create(options), ownsClient: true);
    }

    public FakeEcs Ecs { get; }

    public AgentOptions Options { get; }

    public ParsedKwargs Kwargs { get; }

    public DeploymentPlanner Planner { get; }

    public EcsAgentServices Services { get; }

    /// <summary>The kwargs every Fargate deployment needs: cpu, memory and a subnet (ECS refuses without them).</summary>
    public static Dictionary<string, JsonNode?> FargateKwargs() => new(StringComparer.Ordinal)
    {
        ["cpu"] = "256",
        ["memory"] = "512",
        ["cluster"] = "prefect",
        ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['subnet-0a1b'], 'assignPublicIp': 'ENABLED'}}",
    };

    /// <summary>Starts a fake (or uses <paramref name="shared"/>) and builds the seam over it.</summary>
    /// <param name="configure">Changes the options after the defaults (kwargs, flags, credentials are already the fake's).</param>
    /// <param name="environment">The environment lookup of the kwargs fallbacks; <see langword="null"/>: none set.</param>
    /// <param name="shared">A fake to reuse (a second agent process against the same ECS); not disposed.</param>
    /// <param name="fakeOptions">The fake's options when one is started.</param>
    public static async Task<EcsDeployment> StartAsync(
        Action<AgentOptions>? configure = null,
        Func<string, string?>? environment = null,
        FakeEcs? shared = null,
        FakeEcsOptions? fakeOptions = null)
    {
        var ecs = shared ?? await FakeEcs.StartAsync(fakeOptions);
        var options = ecs.ApplyTo(new AgentOptions
        {
            Backend = PrefectBackend.Server,
            ApiUrl = new Uri("http://prefect.internal:4200/"),
            AgentToken = "agent-token-1",
            Labels = ["aws", "staging"],
            Kwargs = FargateKwargs(),
        });
        configure?.Invoke(options);
        var kwargs = KwargsParser.Parse(options.Kwargs, environment ?? (_ => null));
        return new EcsDeployment(ecs, ownsFake: shared is null, options, kwargs);
    }

    public static FlowRun Run(string flowId = FlowId, string flowName = "ETL flow", int? flowVersion = 3, string runId = RunId, string image = Image)
        => new()
        {
            Id = runId,
            Version = 1,
            RunConfig = new JsonObject { ["type"] = "ECSRun", ["image"] = image },
            Flow = new FlowInfo { Id = flowId, Name = flowName, Version = flowVersion, CoreVersion = "0.15.0" },
        };

    /// <summary>Deploys a run: plan, ensure, launch.</summary>
    public async Task<TaskLaunchResult> DeployAsync(FlowRun run, int version = 2, JsonObject? externalKwargs = null, CancellationToken cancellationToken = default)
        => await LaunchAsync(Planner.Plan(run, version, externalKwargs), run.Id, cancellationToken: cancellationToken);

    /// <summary>
    /// Ensures the plan's task definition and launches its RunTask body (copies: the plan stays reusable), through the
    /// pipeline's own step (<see cref="DefinitionAndLaunch"/>: a definition RunTask refuses is ensured again, once).
    /// </summary>
    /// <param name="registry">A registry of the user's own; <see langword="null"/>: the default ECS one.</param>
    public async Task<TaskLaunchResult> LaunchAsync(DeploymentPlan plan, string flowRunId, ITaskDefinitionRegistry? registry = null, CancellationToken cancellationToken = default)
        => await DefinitionAndLaunch.EnsureAndLaunchAsync(
            registry ?? Services.Registry, Services.Launcher, Copy(plan), () => Copy(plan), flowRunId, definitionResolved: null, definitionWait: null, NullLogger.Instance, cancellationToken);

    private static DeploymentPlan Copy(DeploymentPlan plan) => new()
    {
        TaskDefinition = new TaskDefinitionRequest
        {
            Family = plan.TaskDefinition.Family,
            RegisterRequest = (JsonObject)plan.TaskDefinition.RegisterRequest.DeepClone(),
            FlowId8 = plan.TaskDefinition.FlowId8,
            FlowVersion = plan.TaskDefinition.FlowVersion,
            TaskRevisions = plan.TaskDefinition.TaskRevisions,
        },
        RunTask = (JsonObject)plan.RunTask.DeepClone(),
        Image = plan.Image,
        Command = plan.Command,
        ClientToken = plan.ClientToken,
    };

    /// <summary>Lets a call that waits on the options' fake clock (retry back-off, rate governor) finish.</summary>
    public static async Task<T> PumpAsync<T>(Task<T> call, FakeTimeProvider time)
    {
        for (var i = 0; i < 20_000 && !call.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System));
        }

        return await call;
    }

    public async ValueTask DisposeAsync()
    {
        Services.Dispose();
        if (ownsFake)
        {
            await Ecs.DisposeAsync();
        }
    }
}
