using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Http;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>
/// A local fake of the Prefect 1.x GraphQL API (Server or Cloud) on 127.0.0.1 and a free port. It validates every
/// operation and its <c>variables</c> against Prefect Server's own SDL (plus Hasura and Cloud subsets) before answering
/// from in-memory state, enforces the flow-run version lock, and records every request. Thread-safe.
/// </summary>
/// <remarks>
/// Answers follow Prefect's API gateway (Apollo Server): a query that fails to parse or validate, or whose variables do
/// not coerce to the operation's types, gets HTTP 400 with <c>errors</c> (codes <c>GRAPHQL_PARSE_FAILED</c>,
/// <c>GRAPHQL_VALIDATION_FAILED</c>, and <c>BAD_USER_INPUT</c> for variables); a failing field gets HTTP 200 with <c>data.&lt;field&gt;: null</c> and an error
/// whose <c>path</c> is the field; a refused credential gets HTTP 200 with an <c>UNAUTHENTICATED</c> error, as Prefect
/// Cloud. (Apollo Server answers 4xx when an operation is not valid GraphQL and 200 once it executes,
/// apollographql/apollo-server#6278; Apollo Server 2, which Prefect Server's gateway ran, also answers 400 when the
/// variables do not coerce. Prefect 0.15's client turns any 400 into a <c>ClientError</c>.)
/// </remarks>
public sealed class FakePrefectApi : IAsyncDisposable
{
    private readonly LoopbackHttpServer server;
    private readonly FakePrefectStore store;
    private readonly FakePrefectRequestHandler handler;

    private FakePrefectApi(LoopbackHttpServer server, FakePrefectStore store, FakePrefectRequestHandler handler, FakePrefectApiOptions options)
    {
        this.server = server;
        this.store = store;
        this.handler = handler;
        Options = options;
        Url = server.Url;
    }

    /// <summary>Gets the URL to give the agent as its Prefect API (<c>http://127.0.0.1:&lt;port&gt;/</c>).</summary>
    public Uri Url { get; }

    /// <summary>Gets the options the fake runs with.</summary>
    public FakePrefectApiOptions Options { get; }

    /// <summary>Gets the tenant id.</summary>
    public string TenantId => Options.TenantId;

    /// <summary>Gets the flow runs, in the order added.</summary>
    public IReadOnlyList<FakeFlowRun> FlowRuns => store.Runs;

    /// <summary>Gets the agents registered.</summary>
    public IReadOnlyList<FakeAgent> Agents => store.Agents;

    /// <summary>Gets the log entries written, in order.</summary>
    public IReadOnlyList<FakeLogEntry> Logs => store.Logs;

    /// <summary>Gets the requests received, in order.</summary>
    public IReadOnlyList<FakePrefectRequest> Requests => handler.Requests;

    /// <summary>Gets or sets a delay applied to every response.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan ResponseDelay
    {
        get => handler.ResponseDelay;
        set => handler.ResponseDelay = value;
    }

    /// <summary>Starts a fake on 127.0.0.1 and a free port.</summary>
    /// <param name="options">The options; <see langword="null"/>: a Prefect Server with a random tenant.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started fake.</returns>
    public static Task<FakePrefectApi> StartAsync(FakePrefectApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakePrefectApiOptions();
        var store = new FakePrefectStore(options);
        var handler = new FakePrefectRequestHandler(options, store, FakePrefectSchema.Create(options.Mode != FakePrefectBackendMode.Server));
        cancellationToken.ThrowIfCancellationRequested();
        var api = new FakePrefectApi(LoopbackHttpServer.Start(handler.HandleAsync), store, handler, options);
        return Task.FromResult(api);
    }

    /// <summary>Adds a flow run.</summary>
    /// <param name="run">What to add.</param>
    /// <returns>The run.</returns>
    public FakeFlowRun AddFlowRun(FakeFlowRunOptions run) => store.AddFlowRun(run);

    /// <summary>Adds a Scheduled flow run.</summary>
    /// <param name="flowName">The flow name.</param>
    /// <param name="startTime">The scheduled start; <see langword="null"/>: one second ago.</param>
    /// <param name="labels">The run labels.</param>
    /// <param name="image">The image, in the run config.</param>
    /// <returns>The run.</returns>
    public FakeFlowRun AddScheduledFlowRun(string flowName, DateTimeOffset? startTime = null, IEnumerable<string>? labels = null, string? image = null) =>
        store.AddFlowRun(new FakeFlowRunOptions { FlowName = flowName, StartTime = startTime, Labels = labels?.ToList() ?? [], Image = image });

    /// <summary>Adds an agent configuration (for <c>agent_config_id</c>).</summary>
    /// <param name="settings">Its settings.</param>
    /// <returns>Its id.</returns>
    public string AddAgentConfig(JsonNode? settings) => store.AddAgentConfig(settings);

    /// <summary>Gets a flow run by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    public FakeFlowRun? GetFlowRun(string id) => store.Runs.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// Moves a run to <c>Running</c>, as Prefect 0.15's flow runner does when the flow starts in its task (state message
    /// "Running flow."). Like every state change of Prefect Server, the run's version goes up by one.
    /// </summary>
    /// <param name="flowRunId">The run.</param>
    /// <returns>The run's new version.</returns>
    /// <exception cref="KeyNotFoundException">The fake has no such run.</exception>
    public int SetFlowRunRunning(string flowRunId) => store.SetFlowRunState(flowRunId, "Running", "Running flow.");

    /// <summary>
    /// Moves a run to <c>Cancelling</c>, as a user's "Cancel" in the UI (or <c>cancel_flow_run</c>) does before the flow
    /// runner stops; the version goes up by one.
    /// </summary>
    /// <param name="flowRunId">The run.</param>
    /// <returns>The run's new version.</returns>
    /// <exception cref="KeyNotFoundException">The fake has no such run.</exception>
    public int SetFlowRunCancelling(string flowRunId) => store.SetFlowRunState(flowRunId, "Cancelling", "Flow run is cancelling...");

    /// <summary>Moves a run to <c>Cancelled</c> (a run cancelled outright); the version goes up by one.</summary>
    /// <param name="flowRunId">The run.</param>
    /// <returns>The run's new version.</returns>
    /// <exception cref="KeyNotFoundException">The fake has no such run.</exception>
    public int SetFlowRunCancelled(string flowRunId) => store.SetFlowRunState(flowRunId, "Cancelled", "Flow run is cancelled");

    /// <summary>
    /// Moves a run to any state type (e.g. <c>Success</c>, <c>Scheduled</c>), as a user or another client would, without
    /// the version lock; the version goes up by one. The change is listed in <see cref="FakeFlowRun.States"/> without an agent id.
    /// </summary>
    /// <param name="flowRunId">The run.</param>
    /// <param name="stateType">The state type, e.g. <c>Running</c>.</param>
    /// <param name="message">The state message.</param>
    /// <returns>The run's new version.</returns>
    /// <exception cref="KeyNotFoundException">The fake has no such run.</exception>
    public int SetFlowRunState(string flowRunId, string stateType, string? message = null) => store.SetFlowRunState(flowRunId, stateType, message);

    /// <summary>Counts the requests of an operation (their top-level field, e.g. <c>set_flow_run_states</c>).</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The count.</returns>
    public int CountRequests(string operation) => handler.Requests.Count(r => r.Operation == operation);

    /// <summary>
    /// Points agent options at this fake, the counterpart of <see cref="Ecs.FakeEcs.ApplyTo"/>: <see cref="AgentOptions.ApiUrl"/>,
    /// <see cref="AgentOptions.Backend"/> and the credential the <see cref="FakePrefectApiOptions.Mode"/> needs
    /// (none for <see cref="FakePrefectBackendMode.Server"/>, <see cref="AgentOptions.ApiKey"/> and
    /// <see cref="AgentOptions.TenantId"/> for <see cref="FakePrefectBackendMode.CloudApiKey"/>,
    /// <see cref="AgentOptions.AgentToken"/> for <see cref="FakePrefectBackendMode.CloudToken"/>); the other credentials are cleared.
    /// </summary>
    /// <param name="options">The options to change.</param>
    /// <returns>The same options.</returns>
    public AgentOptions ApplyTo(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ApiUrl = Url;
        options.Backend = Options.Mode == FakePrefectBackendMode.Server ? PrefectBackend.Server : PrefectBackend.Cloud;
        options.ApiKey = Options.Mode == FakePrefectBackendMode.CloudApiKey ? Options.ApiKey : null;
        options.TenantId = Options.Mode == FakePrefectBackendMode.CloudApiKey ? Options.TenantId : null;
        options.AgentToken = Options.Mode == FakePrefectBackendMode.CloudToken ? Options.AgentToken : null;
        return options;
    }

    /// <summary>Answers the next <paramref name="count"/> requests (of <paramref name="operation"/>, or any) with a fault.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many requests.</param>
    /// <param name="operation">Only requests of this top-level field; <see langword="null"/>: any.</param>
    public void InjectFault(FakePrefectFault fault, int count = 1, string? operation = null) => handler.InjectFault(fault, count, operation);

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
    }
}
