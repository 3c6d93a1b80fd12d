using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A flow run held by a <see cref="FakePrefectApi"/>; reads are thread-safe snapshots.</summary>
public sealed class FakeFlowRun
{
    private readonly object sync;
    private readonly FakeStateHistory history;

    internal FakeFlowRun(object sync, string id, FakeFlowRunOptions options, JsonObject flow, JsonObject serializedState, IReadOnlyList<FakeTaskRun> taskRuns, string tenantId)
    {
        this.sync = sync;
        Id = id;
        Name = options.Name ?? "fake-run-" + id[..8];
        FlowId = flow["id"]!.GetValue<string>();
        FlowName = options.FlowName;
        Labels = options.Labels.ToList();
        Flow = flow;
        RunConfig = options.RunConfig ?? (options.Image is null ? null : new JsonObject
        {
            ["type"] = "ECSRun",
            ["__version__"] = options.CoreVersion,
            ["image"] = options.Image,
            ["labels"] = new JsonArray(options.Labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        });
        Parameters = options.Parameters ?? [];
        history = new FakeStateHistory(sync, options.Version, serializedState);
        TaskRuns = taskRuns;
        TenantId = tenantId;
    }

    /// <summary>Gets the flow run id.</summary>
    public string Id { get; }

    /// <summary>Gets the flow run name.</summary>
    public string Name { get; }

    /// <summary>Gets the flow id.</summary>
    public string FlowId { get; }

    /// <summary>Gets the flow name.</summary>
    public string FlowName { get; }

    /// <summary>Gets the labels.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the task runs.</summary>
    public IReadOnlyList<FakeTaskRun> TaskRuns { get; }

    /// <summary>Gets the current state type, e.g. <c>Scheduled</c>, <c>Submitted</c> or <c>Failed</c>.</summary>
    public string State => history.Type;

    /// <summary>Gets the current state message.</summary>
    public string? StateMessage => history.Message;

    /// <summary>Gets the current version (incremented by every state change, as Prefect Server does).</summary>
    public int Version => history.Version;

    /// <summary>Gets a copy of the current serialized state.</summary>
    public JsonObject SerializedState => history.SerializedStateCopy;

    /// <summary>Gets the states set through the API, oldest first.</summary>
    public IReadOnlyList<FakeStateChange> States => history.States;

    internal string TenantId { get; }

    internal JsonObject Flow { get; }

    internal JsonObject? RunConfig { get; }

    internal JsonObject Parameters { get; }

    internal int CurrentVersion => history.CurrentVersion;

    internal JsonObject CurrentState => history.CurrentState;

    internal string CurrentType => history.CurrentType;

    internal DateTimeOffset? CurrentStartTime => history.CurrentStartTime;

    /// <summary>Gets the agent that last set the run Submitted (its <c>X-PREFECT-AGENT-ID</c>), as Prefect Server records it.</summary>
    public string? AgentId
    {
        get
        {
            lock (sync)
            {
                return CurrentAgentId;
            }
        }
    }

    internal string? CurrentAgentId { get; private set; }

    internal void SetState(JsonObject state, string? agentId)
    {
        if (FakeStates.TypeOf(state) == "Submitted" && agentId is not null)
        {
            CurrentAgentId = agentId;
        }

        history.Set(state, agentId);
    }
}
