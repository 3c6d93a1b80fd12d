using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A task run held by a <see cref="FakePrefectApi"/>; reads are thread-safe snapshots.</summary>
public sealed class FakeTaskRun
{
    private readonly FakeStateHistory history;

    internal FakeTaskRun(object sync, string id, string taskId, int version, JsonObject serializedState)
    {
        Id = id;
        TaskId = taskId;
        history = new FakeStateHistory(sync, version, serializedState);
    }

    /// <summary>Gets the task run id.</summary>
    public string Id { get; }

    /// <summary>Gets the task id.</summary>
    public string TaskId { get; }

    /// <summary>Gets the current state type.</summary>
    public string State => history.Type;

    /// <summary>Gets the current version.</summary>
    public int Version => history.Version;

    /// <summary>Gets a copy of the current serialized state.</summary>
    public JsonObject SerializedState => history.SerializedStateCopy;

    /// <summary>Gets the states set through the API, oldest first.</summary>
    public IReadOnlyList<FakeStateChange> States => history.States;

    internal int CurrentVersion => history.CurrentVersion;

    internal JsonObject CurrentState => history.CurrentState;

    internal string CurrentType => history.CurrentType;

    internal DateTimeOffset? CurrentStartTime => history.CurrentStartTime;

    internal void SetState(JsonObject state, string? agentId) => history.Set(state, agentId);
}
