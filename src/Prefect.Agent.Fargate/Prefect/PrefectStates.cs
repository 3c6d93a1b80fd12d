using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Serialized Prefect 0.15 states, as the original's marshmallow <c>StateSchema</c> writes them.</summary>
internal static class PrefectStates
{
    private static readonly HashSet<string> ScheduledLike = new(StringComparer.Ordinal) { "Scheduled", "Retrying", "Resume", "Paused" };

    /// <summary>Gets a value indicating whether a serialized state is Scheduled or one of its subclasses (Prefect's <c>is_scheduled()</c>).</summary>
    /// <param name="serializedState">The serialized state.</param>
    /// <returns><see langword="true"/> when Scheduled-like.</returns>
    public static bool IsScheduled(JsonObject? serializedState) =>
        serializedState?["type"] is JsonValue type && type.TryGetValue<string>(out var name) && ScheduledLike.Contains(name);

    /// <summary>The Submitted state with the previous state nested, as observed from the original.</summary>
    /// <param name="message">The message (<c>Submitted for execution</c>; task runs add a period).</param>
    /// <param name="previous">The previous serialized state.</param>
    /// <returns>The serialized state.</returns>
    public static JsonObject Submitted(string message, JsonObject? previous)
    {
        var state = Base("Submitted", message);
        state["state"] = previous is null ? null : Reserialize(previous);
        return state;
    }

    /// <summary>The Failed state of step 6 of the original's deployment.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The serialized state.</returns>
    public static JsonObject Failed(string message) => Base("Failed", message);

    /// <summary>
    /// Re-serialises a state read from the backend as the original's load-then-dump does: the common fields first in the
    /// schema's order with <c>__version__</c> of this core version, then the state's own fields (e.g. <c>start_time</c>).
    /// </summary>
    /// <param name="previous">The state read.</param>
    /// <returns>The state to nest.</returns>
    public static JsonObject Reserialize(JsonObject previous)
    {
        var state = new JsonObject
        {
            ["type"] = previous["type"]?.DeepClone(),
            ["__version__"] = PrefectGraphQLClient.CoreVersion,
            ["message"] = previous["message"]?.DeepClone(),
            ["context"] = previous["context"]?.DeepClone() ?? new JsonObject(),
            ["cached_inputs"] = previous["cached_inputs"]?.DeepClone() ?? new JsonObject(),
            ["_result"] = previous["_result"] is JsonObject result ? Reversion(result) : NoResult(),
        };
        foreach (var (key, value) in previous)
        {
            if (!state.ContainsKey(key) && key != "__version__")
            {
                state[key] = value?.DeepClone();
            }
        }

        return state;
    }

    private static JsonObject Base(string type, string message) => new()
    {
        ["type"] = type,
        ["__version__"] = PrefectGraphQLClient.CoreVersion,
        ["message"] = message,
        ["context"] = new JsonObject(),
        ["cached_inputs"] = new JsonObject(),
        ["_result"] = NoResult(),
    };

    private static JsonObject NoResult() => new() { ["type"] = "NoResultType", ["__version__"] = PrefectGraphQLClient.CoreVersion };

    private static JsonObject Reversion(JsonObject result)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in result)
        {
            copy[key] = key == "__version__" ? PrefectGraphQLClient.CoreVersion : value?.DeepClone();
        }

        if (!copy.ContainsKey("__version__"))
        {
            copy["__version__"] = PrefectGraphQLClient.CoreVersion;
        }

        return copy;
    }
}
