using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// Tasks started by RunTask, their lifecycle on the fake's clock (computed when read), StopTask, ListTasks, and
/// <c>clientToken</c> idempotency. Not thread-safe: the fake locks.
/// </summary>
internal sealed class FakeEcsTaskStore(string region, string accountId, TimeProvider timeProvider, FakeEcsTaskDefinitionStore definitions, TimeSpan stopDelay)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan StoppedListed = TimeSpan.FromHours(1);
    private readonly List<FakeEcsTask> tasks = [];
    private readonly List<Entry> entries = [];
    private readonly List<FakeEcsTaskBehavior> behaviors = [];
    private readonly Dictionary<string, (JsonObject Parameters, JsonObject Response, DateTimeOffset At)> idempotency = new(StringComparer.Ordinal);
    private readonly List<FakeEcsCapacityShortage> shortages = [];
    private readonly Dictionary<(FakeEcsCapacityShortage Shortage, string Launch), int> shortageAttempts = [];

    public IReadOnlyList<FakeEcsTask> Snapshot()
    {
        Refresh();
        return tasks.Select(t => t with { Task = t.Task.DeepClone().AsObject() }).ToList();
    }

    public void AddBehavior(FakeEcsTaskBehavior behavior) => behaviors.Add(behavior);

    public void AddShortage(FakeEcsCapacityShortage shortage) => shortages.Add(shortage);

    public JsonObject Run(JsonObject request, string? failureReason, string? failureDetail = null)
    {
        Refresh();
        var token = request["clientToken"]?.GetValue<string>();
        var fingerprint = Fingerprint(request);
        if (token is not null && idempotency.TryGetValue(token, out var previous) && timeProvider.GetUtcNow() - previous.At < TokenLifetime)
        {
            // ECS answers a repeated token with the first call's tasks (as they are now), and refuses it with other
            // parameters (ConflictException). Parameters compare as JSON values (member order does not matter to ECS).
            if (!JsonNode.DeepEquals(previous.Parameters, fingerprint))
            {
                throw new FakeEcsErrorException(400, "ConflictException", $"The client token '{token}' was already used with different request parameters.");
            }

            var again = previous.Response.DeepClone().AsObject();
            var current = new JsonArray();
            foreach (var arn in (previous.Response["tasks"] as JsonArray ?? []).Select(t => t!["taskArn"]!.GetValue<string>()))
            {
                current.Add(tasks.First(t => t.TaskArn == arn).Task.DeepClone());
            }

            again["tasks"] = current;
            return again;
        }

        var reference = request["taskDefinition"]?.GetValue<string>() ?? string.Empty;
        var definition = definitions.Find(reference, latestActive: true)
            ?? throw FakeEcsErrorException.Client("TaskDefinition not found.");
        if (definition.Status != "ACTIVE")
        {
            throw FakeEcsErrorException.Client("TaskDefinition is inactive");
        }

        var count = request["count"]?.GetValue<int>() ?? 1;
        if (count is < 1 or > 10)
        {
            throw FakeEcsErrorException.InvalidParameter("Count must be between 1 and 10.");
        }

        var launchType = request["launchType"]?.GetValue<string>();
        if (launchType is not null && request["capacityProviderStrategy"] is JsonArray { Count: > 0 })
        {
            // ECS refuses both together (the original could not send a strategy; issue 4 lets the strategy win).
            throw FakeEcsErrorException.InvalidParameter(
                "Specifying both a launch type and capacity provider strategy is not supported. Specify either a launch type or a capacity provider strategy.");
        }

        var compatibilities = (definition.Definition["compatibilities"] as JsonArray ?? []).Select(c => c!.GetValue<string>()).ToList();
        if (launchType is not null && !compatibilities.Contains(launchType))
        {
            throw FakeEcsErrorException.InvalidParameter($"Task definition does not support launch_type {launchType}.");
        }

        if (definition.Definition["networkMode"]?.GetValue<string>() == "awsvpc"
            && request["networkConfiguration"]?["awsvpcConfiguration"]?["subnets"] is not JsonArray { Count: > 0 })
        {
            throw FakeEcsErrorException.InvalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }

        var cluster = ClusterName(request["cluster"]?.GetValue<string>());
        if (failureReason is null && shortages.LastOrDefault(s => s.Family is null || s.Family == definition.Family) is { } shortage)
        {
            // Attempts are counted per launch: a retry with the same clientToken is the same launch.
            var key = (shortage, token ?? request["startedBy"]?.GetValue<string>() ?? string.Empty);
            var attempts = shortageAttempts.GetValueOrDefault(key) + 1;
            shortageAttempts[key] = attempts;
            if (shortage.ClearsAfter is not { } clears || attempts <= clears)
            {
                failureReason = shortage.Reason;
                failureDetail = shortage.Detail;
            }
        }

        var response = new JsonObject { ["tasks"] = new JsonArray(), ["failures"] = new JsonArray() };
        if (failureReason is not null)
        {
            var failure = new JsonObject { ["arn"] = definition.Arn, ["reason"] = failureReason };
            if (failureDetail is not null)
            {
                failure["detail"] = failureDetail;
            }

            response["failures"]!.AsArray().Add((JsonNode)failure);
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var task = NewTask(request, definition, cluster, launchType);
                tasks.Add(task);
                var images = (definition.Definition["containerDefinitions"] as JsonArray ?? []).Select(c => c?["image"]?.GetValue<string>() ?? string.Empty).ToList();
                var behavior = behaviors.LastOrDefault(b => b.Matches(definition.Family, images)) ?? new FakeEcsTaskBehavior();
                entries.Add(new Entry(task, definition.Family, timeProvider.GetUtcNow(), behavior));
                response["tasks"]!.AsArray().Add(task.Task.DeepClone());
            }
        }

        // A token is recorded only for a call that started tasks: a launch refused for capacity may be retried with it.
        if (token is not null && failureReason is null)
        {
            idempotency[token] = (fingerprint, response.DeepClone().AsObject(), timeProvider.GetUtcNow());
        }

        return response;
    }

    public JsonObject Describe(JsonObject request)
    {
        Refresh();
        if (request["tasks"] is JsonArray { Count: > 100 })
        {
            throw FakeEcsErrorException.InvalidParameter("Tasks cannot have more than 100 elements");
        }

        var cluster = ClusterName(request["cluster"]?.GetValue<string>());
        var found = new JsonArray();
        var failures = new JsonArray();
        foreach (var item in request["tasks"] as JsonArray ?? [])
        {
            var id = item!.GetValue<string>();
            var arn = id.StartsWith("arn:", StringComparison.Ordinal) ? id : $"arn:aws:ecs:{region}:{accountId}:task/{cluster}/{id}";
            var task = tasks.FirstOrDefault(t => t.TaskArn == arn && t.Cluster == cluster);
            if (task is null)
            {
                failures.Add((JsonNode)new JsonObject { ["arn"] = arn, ["reason"] = "MISSING" });
            }
            else
            {
                found.Add(task.Task.DeepClone());
            }
        }

        return new JsonObject { ["tasks"] = found, ["failures"] = failures };
    }

    public JsonObject Stop(JsonObject request)
    {
        Refresh();
        var cluster = ClusterName(request["cluster"]?.GetValue<string>());
        var id = request["task"]?.GetValue<string>() ?? string.Empty;
        var arn = id.StartsWith("arn:", StringComparison.Ordinal) ? id : $"arn:aws:ecs:{region}:{accountId}:task/{cluster}/{id}";
        var entry = entries.FirstOrDefault(e => e.Task.TaskArn == arn && e.Task.Cluster == cluster)
            ?? throw new FakeEcsErrorException(400, "InvalidParameterException", "The referenced task was not found.");
        if (entry.StopRequestedAt is null && entry.Task.Task["lastStatus"]!.GetValue<string>() != "STOPPED")
        {
            entry.StopRequestedAt = timeProvider.GetUtcNow();
            entry.StopReason = request["reason"]?.GetValue<string>() ?? "Task stopped by user";
        }

        Refresh();
        return new JsonObject { ["task"] = entry.Task.Task.DeepClone() };
    }

    public JsonObject List(JsonObject request)
    {
        Refresh();
        var cluster = ClusterName(request["cluster"]?.GetValue<string>());
        var family = request["family"]?.GetValue<string>();
        var startedBy = request["startedBy"]?.GetValue<string>();
        var desired = request["desiredStatus"]?.GetValue<string>() ?? "RUNNING";
        if (desired == "PENDING")
        {
            desired = "RUNNING";
        }

        var maxResults = request["maxResults"]?.GetValue<int>() ?? 100;
        if (maxResults is < 1 or > 100)
        {
            throw FakeEcsErrorException.InvalidParameter("maxResults must be between 1 and 100.");
        }

        var start = 0;
        if (request["nextToken"]?.GetValue<string>() is { } token
            && !int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out start))
        {
            throw FakeEcsErrorException.InvalidParameter("Invalid token");
        }

        var now = timeProvider.GetUtcNow();
        var matching = entries
            .Where(e => e.Task.Cluster == cluster && (family is null || e.Family == family))
            .Where(e => startedBy is null || e.Task.Task["startedBy"]?.GetValue<string>() == startedBy)
            .Where(e => e.Task.Task["desiredStatus"]!.GetValue<string>() == desired)
            .Where(e => e.StoppedAt is not { } stopped || now - stopped < StoppedListed)
            .Select(e => e.Task.TaskArn)
            .ToList();
        var page = matching.Skip(start).Take(maxResults).ToList();
        var response = new JsonObject { ["taskArns"] = new JsonArray(page.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()) };
        if (start + page.Count < matching.Count)
        {
            response["nextToken"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response;
    }

    private static double Epoch(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    private void Refresh()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var entry in entries.Where(e => e.StoppedAt is null))
        {
            var task = entry.Task.Task;
            var behavior = entry.Behavior;
            var runningAt = entry.CreatedAt + behavior.RunningAfter;
            var naturalStop = behavior.StopAfter is { } after ? entry.CreatedAt + after : (DateTimeOffset?)null;
            var userStop = entry.StopRequestedAt is { } requested ? requested + stopDelay : (DateTimeOffset?)null;
            var byUser = userStop is not null && (naturalStop is null || userStop < naturalStop);
            var stopAt = byUser ? userStop : naturalStop;
            var containers = (task["containers"] as JsonArray ?? []).Select(c => c!.AsObject()).ToList();
            if (now >= runningAt && (stopAt is null || runningAt < stopAt) && task["startedAt"] is null)
            {
                task["lastStatus"] = "RUNNING";
                task["pullStartedAt"] = Epoch(entry.CreatedAt);
                task["pullStoppedAt"] = Epoch(runningAt);
                task["startedAt"] = Epoch(runningAt);
                task["version"] = task["version"]!.GetValue<int>() + 1;
                containers.ForEach(c => c["lastStatus"] = "RUNNING");
            }

            if (entry.StopRequestedAt is { } stopRequested && task["stoppingAt"] is null)
            {
                task["desiredStatus"] = "STOPPED";
                task["stopCode"] = "UserInitiated";
                task["stoppedReason"] = entry.StopReason;
                task["stoppingAt"] = Epoch(stopRequested);
                task["version"] = task["version"]!.GetValue<int>() + 1;
            }

            if (stopAt is { } stop && now >= stop)
            {
                entry.StoppedAt = stop;
                task["lastStatus"] = "STOPPED";
                task["desiredStatus"] = "STOPPED";
                task["stoppingAt"] ??= Epoch(stop);
                task["stoppedAt"] = Epoch(stop);
                task["executionStoppedAt"] = Epoch(stop);
                task["version"] = task["version"]!.GetValue<int>() + 1;
                if (!byUser)
                {
                    task["stopCode"] = behavior.StopCode;
                    task["stoppedReason"] = behavior.StoppedReason;
                }

                foreach (var container in containers)
                {
                    container["lastStatus"] = "STOPPED";
                    if (!byUser && behavior.ContainerReason is { } reason)
                    {
                        container["reason"] = reason;
                    }

                    if (!byUser && behavior.ExitCode is { } code)
                    {
                        container["exitCode"] = code;
                    }
                    else if (byUser && task["startedAt"] is not null)
                    {
                        container["exitCode"] = 143;
                    }
                }
            }
        }
    }

    private static string ClusterName(string? cluster)
    {
        if (string.IsNullOrEmpty(cluster))
        {
            return "default";
        }

        var slash = cluster.LastIndexOf('/');
        return cluster.StartsWith("arn:", StringComparison.Ordinal) && slash >= 0 ? cluster[(slash + 1)..] : cluster;
    }

    private static JsonObject Fingerprint(JsonObject request)
    {
        var copy = request.DeepClone().AsObject();
        copy.Remove("clientToken");
        return copy;
    }

    private FakeEcsTask NewTask(JsonObject request, FakeEcsTaskDefinitionStore.Revision definition, string cluster, string? launchType)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var arn = $"arn:aws:ecs:{region}:{accountId}:task/{cluster}/{id}";
        var containers = new JsonArray();
        foreach (var container in definition.Definition["containerDefinitions"] as JsonArray ?? [])
        {
            containers.Add((JsonNode)new JsonObject
            {
                ["containerArn"] = $"arn:aws:ecs:{region}:{accountId}:container/{cluster}/{id}/{Guid.NewGuid():D}",
                ["taskArn"] = arn,
                ["name"] = container!["name"]?.DeepClone(),
                ["image"] = container["image"]?.DeepClone(),
                ["lastStatus"] = "PENDING",
            });
        }

        var task = new JsonObject
        {
            ["taskArn"] = arn,
            ["clusterArn"] = $"arn:aws:ecs:{region}:{accountId}:cluster/{cluster}",
            ["taskDefinitionArn"] = definition.Arn,
            ["lastStatus"] = "PROVISIONING",
            ["desiredStatus"] = "RUNNING",
            ["createdAt"] = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
            ["group"] = request["group"]?.DeepClone() ?? $"family:{definition.Family}",
            ["overrides"] = request["overrides"]?.DeepClone() ?? new JsonObject { ["containerOverrides"] = new JsonArray() },
            ["containers"] = containers,
            ["tags"] = request["tags"]?.DeepClone() ?? new JsonArray(),
            ["version"] = 1,
        };
        foreach (var key in new[] { "launchType", "startedBy", "platformVersion", "capacityProviderStrategy", "enableExecuteCommand" })
        {
            if (request[key] is { } value)
            {
                task[key] = value.DeepClone();
            }
        }

        foreach (var key in new[] { "cpu", "memory" })
        {
            if (definition.Definition[key] is { } value)
            {
                task[key] = value.DeepClone();
            }
        }

        return new FakeEcsTask(arn, cluster, definition.Arn, launchType, task);
    }

    /// <summary>A task's lifecycle state.</summary>
    private sealed class Entry(FakeEcsTask task, string family, DateTimeOffset createdAt, FakeEcsTaskBehavior behavior)
    {
        public FakeEcsTask Task => task;

        public string Family => family;

        public DateTimeOffset CreatedAt => createdAt;

        public FakeEcsTaskBehavior Behavior => behavior;

        public DateTimeOffset? StopRequestedAt { get; set; }

        public string? StopReason { get; set; }

        public DateTimeOffset? StoppedAt { get; set; }
    }
}
