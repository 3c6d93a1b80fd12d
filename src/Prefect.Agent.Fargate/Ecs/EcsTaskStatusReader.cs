using System.Text.Json;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// Reads a <c>DescribeTasks</c> answer into task statuses, keeping only the fields the task watch uses (the ARN, the
/// last status, the stop code and reason, and each container's name, status, reason and exit code). It reads a
/// <see cref="JsonElement"/>, so the signed client can read the answer in its pooled response buffer: an answer for 100
/// tasks is a few hundred kilobytes, which as a byte array and a JSON tree would land in the large object heap at every
/// check (benchmarks/README.md, "Memory").
/// </summary>
internal static class EcsTaskStatusReader
{
    /// <summary>Reads the <c>tasks</c> of a <c>DescribeTasks</c> answer; tasks without an ARN are left out.</summary>
    /// <param name="response">The answer.</param>
    /// <returns>The statuses, in the answer's order.</returns>
    public static IReadOnlyList<EcsTaskStatus> Read(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("tasks", out var tasks)
            || tasks.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<EcsTaskStatus>(tasks.GetArrayLength());
        foreach (var task in tasks.EnumerateArray())
        {
            if (task.ValueKind == JsonValueKind.Object && ReadTask(task) is { TaskArn.Length: > 0 } status)
            {
                result.Add(status);
            }
        }

        return result;
    }

    private static EcsTaskStatus ReadTask(JsonElement task)
    {
        var containers = new List<EcsContainerStatus>();
        if (task.TryGetProperty("containers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var container in list.EnumerateArray())
            {
                if (container.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                containers.Add(new EcsContainerStatus
                {
                    Name = Text(container, "name") ?? string.Empty,
                    LastStatus = Text(container, "lastStatus"),
                    Reason = Text(container, "reason"),
                    ExitCode = container.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value) ? value : null,
                });
            }
        }

        return new EcsTaskStatus
        {
            TaskArn = Text(task, "taskArn") ?? string.Empty,
            LastStatus = Text(task, "lastStatus"),
            StopCode = Text(task, "stopCode"),
            StoppedReason = Text(task, "stoppedReason"),
            Containers = containers,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
