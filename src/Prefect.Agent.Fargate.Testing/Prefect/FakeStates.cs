using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>Helpers on serialized Prefect states.</summary>
internal static class FakeStates
{
    /// <summary>The states Prefect Server's <c>get_runs_in_queue</c> looks for (subclasses of Scheduled, and Queued).</summary>
    public static readonly HashSet<string> QueueStates = new(StringComparer.Ordinal) { "Scheduled", "Retrying", "Resume", "Paused", "Queued" };

    public static string TypeOf(JsonObject state) => Text(state["type"]) ?? "Unknown";

    public static string? MessageOf(JsonObject state) => Text(state["message"]);

    public static DateTimeOffset? StartTimeOf(JsonObject state) => ParseTime(Text(state["start_time"]));

    public static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Formats as Python's isoformat of a UTC time.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? seconds + "+00:00" : seconds + "." + micros.ToString("D6", CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>A state as Prefect 0.15 serializes it.</summary>
    public static JsonObject Create(string type, string? message, DateTimeOffset? startTime)
    {
        var state = new JsonObject
        {
            ["type"] = type,
            ["__version__"] = "0.15.0",
            ["message"] = message,
            ["context"] = new JsonObject(),
            ["cached_inputs"] = new JsonObject(),
            ["_result"] = new JsonObject { ["type"] = "NoResultType", ["__version__"] = "0.15.0" },
        };
        if (startTime is { } start)
        {
            state["start_time"] = Format(start);
        }

        return state;
    }
}
