using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Aws;
using Prefect.Agent.Fargate.Configuration;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Kwargs;
using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.S3;

namespace Prefect.Agent.Fargate.Composition;

/// <summary>
/// The composition root: the pure collaborators the agent is composed from (the environment lookup, the Python-literal
/// parser, the kwargs parser and the planner factory), the one resolution of the options, and the choice of the
/// default implementation of each seam. Both entry points use it: <c>new FargateAgent(options, ...)</c> and
/// <c>AddFargateAgent(...)</c>. Production uses <see cref="Default"/>; tests substitute fakes (through the agent's
/// internal constructor, or by registering an instance in the service collection before <c>AddFargateAgent</c>).
/// </summary>
internal sealed class AgentComposition
{
    /// <summary>Gets the production composition (the process environment, the real parsers and planner).</summary>
    public static AgentComposition Default { get; } = new();

    /// <summary>Gets the environment lookup.</summary>
    public Func<string, string?> Environment { get; init; } = global::System.Environment.GetEnvironmentVariable;

    /// <summary>Gets the Python-literal parser.</summary>
    public Func<string, JsonNode?> ParseLiteral { get; init; } = PythonLiteral.Parse;

    /// <summary>Gets the kwargs parser.</summary>
    public Func<IEnumerable<KeyValuePair<string, JsonNode?>>, Func<string, string?>?, ParsedKwargs> ParseKwargs { get; init; } =
        KwargsParser.Parse;

    /// <summary>Gets the check of the parsed kwargs against the ECS API model (at start, before any call).</summary>
    public Func<AgentOptions, ParsedKwargs, IReadOnlyList<string>> CheckKwargs { get; init; } = Ecs.Model.EcsKwargsCheck.Check;

    /// <summary>Gets whether this machine may be an EC2 instance (instance-metadata credentials); <see langword="null"/>: read the firmware.</summary>
    public Func<bool>? MayBeEc2 { get; init; }

    /// <summary>Gets the planner factory.</summary>
    public Func<AgentOptions, ParsedKwargs, IDeploymentPlanner> CreatePlanner { get; init; } =
        (options, kwargs) => new DeploymentPlanner(options, kwargs);

    /// <summary>Gets the ECS client's per-call back-off base; <see langword="null"/>: one second (AWS standard mode). A test seam.</summary>
    public TimeSpan? EcsRetryBaseDelay { get; init; }

    /// <summary>
    /// Gets the agent's deployment retry back-off (the first delay and the cap, before jitter); <see langword="null"/>:
    /// 1 s and 30 s. A test seam: end-to-end tests on the real clock shorten it, and never assert timings.
    /// </summary>
    public (TimeSpan First, TimeSpan Max)? DeploymentRetryDelays { get; init; }

    /// <summary>Resolves the environment fallbacks and runs every validator (both paths' one resolution).</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The user's options.</param>
    /// <returns>The resolved options, the parsed kwargs and every failure.</returns>
    public PreparedAgentOptions Prepare(string? name, AgentOptions options) =>
        AgentOptionsValidation.Prepare(name, options, Environment, ParseLiteral, ParseKwargs, CheckKwargs);

    /// <summary>Resolves and validates the options; throws listing every failure.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The user's options.</param>
    /// <returns>The resolved options and the parsed kwargs.</returns>
    public PreparedAgentOptions PrepareOrThrow(string? name, AgentOptions options) =>
        AgentOptionsValidation.PrepareOrThrow(name, options, Environment, ParseLiteral, ParseKwargs, CheckKwargs);

    /// <summary>
    /// Checks, without a network call, that the default AWS clients will find a region and credentials; throws listing
    /// the sources tried. Called when a default ECS or S3 service is in use (a host with its own seams needs no AWS).
    /// </summary>
    /// <param name="name">The options name.</param>
    /// <param name="resolved">The resolved options.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">No region or no credentials.</exception>
    public void CheckAwsOrThrow(string? name, AgentOptions resolved)
    {
        var failures = AwsStartCheck.Check(resolved, Environment, mayBeEc2: MayBeEc2);
        if (failures.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name ?? Microsoft.Extensions.Options.Options.DefaultName, typeof(AgentOptions), failures);
        }
    }

    /// <summary>Resolves the environment fallbacks only (no validation).</summary>
    /// <param name="options">The user's options.</param>
    /// <returns>The resolved snapshot.</returns>
    public AgentOptions Resolve(AgentOptions options) => AgentEnvironment.Resolve(options, Environment, null, ParseLiteral);

    /// <summary>Creates the default flow-run source: the Prefect GraphQL one.</summary>
    /// <param name="resolved">The resolved options.</param>
    /// <returns>The source; the caller owns it.</returns>
    public IFlowRunSource CreateFlowRunSource(AgentOptions resolved) => PrefectFlowRunSource.Create(resolved);

    /// <summary>Creates the default ECS registry and launcher over one client; AWS variables are read through <see cref="Environment"/>.</summary>
    /// <param name="resolved">The resolved options.</param>
    /// <returns>The services; the caller owns them.</returns>
    /// <remarks>The transport (<c>Ecs/Client/</c>) is chosen here, so that <c>Ecs/</c> knows only its <see cref="IEcsClient"/> port.</remarks>
    public EcsAgentServices CreateEcs(AgentOptions resolved) =>
        EcsAgentServices.Create(resolved, Ecs.Client.EcsClient.Create(resolved, AwsClientSettings.Resolve(resolved, Environment), EcsRetryBaseDelay), ownsClient: true);

    /// <summary>
    /// Creates the default external kwargs provider: S3 when <see cref="AgentOptions.UseExternalKwargs"/> is on,
    /// else the no-op one (no S3 client).
    /// </summary>
    /// <param name="resolved">The resolved options.</param>
    /// <returns>The provider; the caller owns it.</returns>
    public IExternalKwargsProvider CreateExternalKwargs(AgentOptions resolved) =>
        resolved.UseExternalKwargs ? S3ExternalKwargsProvider.Create(resolved, Environment) : NoExternalKwargsProvider.Instance;

    /// <summary>
    /// Gets the process exit code setter a host uses when its agent failed (<see cref="FatalErrorBehavior.StopHost"/>):
    /// <see cref="System.Environment.ExitCode"/>, unless something already set a non-zero one. Tests substitute it.
    /// </summary>
    public Action<int> SetExitCode { get; init; } = static code =>
    {
        if (global::System.Environment.ExitCode == 0)
        {
            global::System.Environment.ExitCode = code;
        }
    };
}
