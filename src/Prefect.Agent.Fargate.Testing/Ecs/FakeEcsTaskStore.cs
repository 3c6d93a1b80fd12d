using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>Tasks started by RunTask, with <c>clientToken</c> idempotency. Not thread-safe: the fake locks.</summary>
internal sealed class FakeEcsTaskStore(string region, string accountId, TimeProvider timeProvider, FakeEcsTaskDefinitionStore definitions)
{
    private readonly List<FakeEcsTask> tasks = [];
    private readonly Dictionary<string, (JsonObject Parameters, JsonObject Response)> idempotency = new(StringComparer.Ordinal);

    public IReadOnlyList<FakeEcsTask> Snapshot() => tasks.Select(t => t with { Task = t.Task.DeepClone().AsObject() }).ToList();

    public JsonObject Run(JsonObject request, string? failureReason, string? failureDetail = null)
    {
        var token = request["clientToken"]?.GetValue<string>();
        var fingerprint = Fingerprint(request);
        if (token is not null && idempotency.TryGetValue(token, out var previous))
        {
            // ECS answers a repeated token with the first call's tasks, and refuses it with other parameters.
            // Parameters compare as JSON values (member order does not matter to ECS).
            return JsonNode.DeepEquals(previous.Parameters, fingerprint)
                ? previous.Response.DeepClone().AsObject()
                : throw FakeEcsErrorException.InvalidParameter($"The client token '{token}' was already used with different request parameters.");
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
                response["tasks"]!.AsArray().Add(task.Task.DeepClone());
            }
        }

        if (token is not null)
        {
            idempotency[token] = (fingerprint, response.DeepClone().AsObject());
        }

        return response;
    }

    public JsonObject Describe(JsonObject request)
    {
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
}
