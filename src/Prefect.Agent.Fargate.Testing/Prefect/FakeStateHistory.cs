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
        CurrentType = FakeStates.TypeOf(serializedState);
        CurrentStartTime = FakeStates.StartTimeOf(serializedState);
    }

    /// <summary>Gets the current version; the caller holds the lock.</summary>
    public int CurrentVersion { get; private set; }

    /// <summary>Gets the current serialized state; the caller holds the lock.</summary>
    public JsonObject CurrentState { get; private set; }

    // The type and start time are read from the current state once per change rather than at every get_runs_in_queue
    // (which looks at every run): the state objects kept here are never changed in place (they are copies of the input).

    /// <summary>Gets the current state's type; the caller holds the lock.</summary>
    public string CurrentType { get; private set; }

    /// <summary>Gets the current state's <c>start_time</c>, parsed; the caller holds the lock.</summary>
    public DateTimeOffset? CurrentStartTime { get; private set; }

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
        CurrentType = FakeStates.TypeOf(state);
        CurrentStartTime = FakeStates.StartTimeOf(state);
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
