using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A task run held by a <see cref="FakePrefectApi"/>; reads are thread-safe snapshots.</summary>
public sealed class FakeTaskRun
{
    private readonly object sync;
    private readonly List<FakeStateChange> states = [];
    private JsonObject serializedState;

    internal FakeTaskRun(object sync, string id, string taskId, int version, JsonObject serializedState)
    {
        this.sync = sync;
        Id = id;
        TaskId = taskId;
        CurrentVersion = version;
        this.serializedState = serializedState;
    }

    /// <summary>Gets the task run id.</summary>
    public string Id { get; }

    /// <summary>Gets the task id.</summary>
    public string TaskId { get; }

    /// <summary>Gets the current state type.</summary>
    public string State
    {
        get
        {
            lock (sync)
            {
                return FakeStates.TypeOf(serializedState);
            }
        }
    }

    /// <summary>Gets the current version.</summary>
    public int Version
    {
        get
        {
            lock (sync)
            {
                return CurrentVersion;
            }
        }
    }

    /// <summary>Gets a copy of the current serialized state.</summary>
    public JsonObject SerializedState
    {
        get
        {
            lock (sync)
            {
                return (JsonObject)serializedState.DeepClone();
            }
        }
    }

    /// <summary>Gets the states set through the API, oldest first.</summary>
    public IReadOnlyList<FakeStateChange> States
    {
        get
        {
            lock (sync)
            {
                return states.ToList();
            }
        }
    }

    internal int CurrentVersion { get; private set; }

    internal JsonObject CurrentState => serializedState;

    internal void SetState(JsonObject state, string? agentId)
    {
        CurrentVersion++;
        serializedState = state;
        states.Add(new FakeStateChange(FakeStates.TypeOf(state), FakeStates.MessageOf(state), CurrentVersion, (JsonObject)state.DeepClone(), agentId));
    }
}
