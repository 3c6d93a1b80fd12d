using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>
/// The state of a fake flow or task run: the current serialized state, its version (incremented by every state
/// change, as Prefect Server does) and the states set through the API. Guarded by the store's lock.
/// </summary>
internal sealed class FakeStateHistory
{
    private readonly object sync;
    private readonly List<FakeStateChange> states = [];

    public FakeStateHistory(object sync, int version, JsonObject serializedState)
    {
        this.sync = sync;
        CurrentVersion = version;
        CurrentState = serializedState;
    }

    /// <summary>Gets the current version; the caller holds the lock.</summary>
    public int CurrentVersion { get; private set; }

    /// <summary>Gets the current serialized state; the caller holds the lock.</summary>
    public JsonObject CurrentState { get; private set; }

    public string Type => Read(() => FakeStates.TypeOf(CurrentState));

    public string? Message => Read(() => FakeStates.MessageOf(CurrentState));

    public int Version => Read(() => CurrentVersion);

    public JsonObject SerializedStateCopy => Read(() => (JsonObject)CurrentState.DeepClone());

    public IReadOnlyList<FakeStateChange> States => Read(() => (IReadOnlyList<FakeStateChange>)states.ToList());

    /// <summary>Sets a state; the caller holds the lock.</summary>
    public void Set(JsonObject state, string? agentId)
    {
        CurrentVersion++;
        CurrentState = state;
        states.Add(new FakeStateChange(FakeStates.TypeOf(state), FakeStates.MessageOf(state), CurrentVersion, (JsonObject)state.DeepClone(), agentId));
    }

    private T Read<T>(Func<T> read)
    {
        lock (sync)
        {
            return read();
        }
    }
}
