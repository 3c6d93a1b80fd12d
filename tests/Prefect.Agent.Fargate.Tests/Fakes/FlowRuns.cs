using System.Globalization;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Fakes;

public static class FlowRuns
{
    public static FlowRun Create(string id, int version = 7, DateTimeOffset? startTime = null) => new()
    {
        Id = id,
        Version = version,
        State = "Scheduled",
        SerializedState = startTime is { } start
            ? new JsonObject { ["type"] = "Scheduled", ["start_time"] = start.ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture) }
            : new JsonObject { ["type"] = "Scheduled" },
        Flow = new FlowInfo { Id = "abcdef12-3456-7890-abcd-ef1234567890", Name = "My Flow" },
    };
}
