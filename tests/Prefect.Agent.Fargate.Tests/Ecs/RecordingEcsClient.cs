using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs;

namespace Prefect.Agent.Fargate.Tests.Ecs;

/// <summary>
/// An in-memory <see cref="IEcsClient"/> that answers like ECS (revisions, ACTIVE/INACTIVE, tags, the tagging API's
/// pages, ECS's error codes and messages) and records every call with a copy of its request body.
/// </summary>
internal sealed class RecordingEcsClient : IEcsClient
{
    public const string ArnPrefix = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

    private readonly object gate = new();
    private readonly Dictionary<string, List<Revision>> families = new(StringComparer.Ordinal);
    private readonly List<(string Operation, JsonObject Request)> calls = [];
    private readonly Dictionary<string, Queue<Exception>> faults = new(StringComparer.Ordinal);
    private int taskCounter;

    /// <summary>Gets or sets whether DescribeTaskDefinition answers without a <c>tags</c> member (item 9).</summary>
    public bool OmitTagsOnDescribe { get; set; }

    /// <summary>Gets or sets the page size of GetResources.</summary>
    public int TaggingPageSize { get; set; } = 100;

    /// <summary>Gets or sets a task every ECS call waits for before answering (to hold calls in flight).</summary>
    public Task? Hold { get; set; }

    /// <summary>Gets or sets a scripted RunTask answer; <see langword="null"/> answers like ECS.</summary>
    public Func<JsonObject, JsonObject>? RunTaskAnswer { get; set; }

    /// <summary>Gets or sets a scripted DescribeTasks answer.</summary>
    public Func<JsonObject, JsonObject>? DescribeTasksAnswer { get; set; }

    /// <summary>Gets or sets a scripted ListTasks answer; <see langword="null"/> lists no task.</summary>
    public Func<JsonObject, JsonObject>? ListTasksAnswer { get; set; }

    public IReadOnlyList<(string Operation, JsonObject Request)> Calls
    {
        get
        {
            lock (gate)
            {
                return calls.ToList();
            }
        }
    }

    public IReadOnlyList<string> Operations => Calls.Select(c => c.Operation).ToList();

    public static AwsServiceException Error(string operation, string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new("ecs", operation, status, code, message, "req-1");

    public void ClearCalls()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    /// <summary>Makes the next call of an operation fail (after it was recorded).</summary>
    public void FailNext(string operation, Exception exception)
    {
        lock (gate)
        {
            if (!faults.TryGetValue(operation, out var queue))
            {
                faults[operation] = queue = new Queue<Exception>();
            }

            queue.Enqueue(exception);
        }
    }

    /// <summary>Registers a definition directly, as another agent or a user would have.</summary>
    public string Seed(JsonObject register) => Register(register)["taskDefinition"]!["taskDefinitionArn"]!.ToString();

    public void Deregister(string arn)
    {
        lock (gate)
        {
            Find(arn)!.Definition["status"] = "INACTIVE";
        }
    }

    public Task<JsonObject> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("RegisterTaskDefinition", request, () => Register(request), cancellationToken);

    public Task<JsonObject> DescribeTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("DescribeTaskDefinition", request, () =>
        {
            var revision = Find(request["taskDefinition"]!.ToString())
                ?? throw Error("DescribeTaskDefinition", "ClientException", "Unable to describe task definition.");
            var answer = new JsonObject { ["taskDefinition"] = revision.Definition.DeepClone() };
            var withTags = request["include"] is JsonArray include && include.Any(i => i?.ToString() == "TAGS");
            if (withTags && !OmitTagsOnDescribe)
            {
                answer["tags"] = revision.Tags.DeepClone();
            }

            return answer;
        }, cancellationToken);

    public Task<JsonObject> ListTaskDefinitionsAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("ListTaskDefinitions", request, () => throw new NotSupportedException("The agent never lists task definitions."), cancellationToken);

    /// <summary>Like ECS: <c>status</c> (default ALL), <c>familyPrefix</c>, sorted names, <c>maxResults</c> pages with <c>nextToken</c>.</summary>
    public Task<JsonObject> ListTaskDefinitionFamiliesAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("ListTaskDefinitionFamilies", request, () =>
        {
            var prefix = request["familyPrefix"]?.ToString() ?? string.Empty;
            var status = request["status"]?.ToString() ?? "ALL";
            var max = request["maxResults"]?.GetValue<int>() ?? 100;
            var names = families
                .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Where(f => status switch
                {
                    "ACTIVE" => f.Value.Any(r => r.Definition["status"]!.ToString() == "ACTIVE"),
                    "INACTIVE" => f.Value.All(r => r.Definition["status"]!.ToString() != "ACTIVE"),
                    _ => true,
                })
                .Select(f => f.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
            var start = request["nextToken"] is JsonValue token ? int.Parse(token.ToString(), CultureInfo.InvariantCulture) : 0;
            var answer = new JsonObject { ["families"] = new JsonArray(names.Skip(start).Take(max).Select(n => (JsonNode)n).ToArray()) };
            if (start + max < names.Count)
            {
                answer["nextToken"] = (start + max).ToString(CultureInfo.InvariantCulture);
            }

            return answer;
        }, cancellationToken);

    public Task<JsonObject> RunTaskAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("RunTask", request, () =>
        {
            if (RunTaskAnswer is not null)
            {
                return RunTaskAnswer(request);
            }

            var name = request["taskDefinition"]!.ToString();
            var revision = Find(name) ?? throw Error("RunTask", "ClientException", "Unable to find task definition.");
            if (revision.Definition["status"]!.ToString() != "ACTIVE")
            {
                throw Error("RunTask", "ClientException", "TaskDefinition is inactive");
            }

            var id = Interlocked.Increment(ref taskCounter).ToString("x8", CultureInfo.InvariantCulture);
            return new JsonObject
            {
                ["tasks"] = new JsonArray(new JsonObject
                {
                    ["taskArn"] = $"arn:aws:ecs:us-east-1:123456789012:task/default/{id}",
                    ["taskDefinitionArn"] = revision.Definition["taskDefinitionArn"]!.DeepClone(),
                }),
                ["failures"] = new JsonArray(),
            };
        }, cancellationToken);

    public Task<JsonObject> DescribeTasksAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("DescribeTasks", request, () => DescribeTasksAnswer?.Invoke(request) ?? throw new NotSupportedException(), cancellationToken);

    public Task<JsonObject> ListTasksAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("ListTasks", request, () => ListTasksAnswer?.Invoke(request) ?? new JsonObject { ["taskArns"] = new JsonArray() }, cancellationToken);

    public Task<JsonObject> StopTaskAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("StopTask", request, () => new JsonObject { ["task"] = new JsonObject { ["taskArn"] = request["task"]!.ToString(), ["lastStatus"] = "RUNNING", ["desiredStatus"] = "STOPPED" } }, cancellationToken);

    public Task<JsonObject> GetResourcesAsync(JsonObject request, CancellationToken cancellationToken) =>
        AnswerAsync("GetResources", request, () =>
        {
            var filter = (JsonObject)request["TagFilters"]![0]!;
            var key = filter["Key"]!.ToString();
            var values = filter["Values"]!.AsArray().Select(v => v!.ToString()).ToHashSet(StringComparer.Ordinal);

            // The tagging API lists deregistered revisions too, and in no particular order: newest first here.
            var matching = families.Values.SelectMany(r => r).Reverse()
                .Where(r => r.Tags.Any(t => t!["key"]!.ToString() == key && values.Contains(t["value"]!.ToString())))
                .ToList();
            var start = request["PaginationToken"] is JsonValue token ? int.Parse(token.ToString(), CultureInfo.InvariantCulture) : 0;
            var page = matching.Skip(start).Take(TaggingPageSize).Select(r => (JsonNode)new JsonObject
            {
                ["ResourceARN"] = r.Definition["taskDefinitionArn"]!.DeepClone(),
                ["Tags"] = new JsonArray(r.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t!["key"]!.DeepClone(), ["Value"] = t["value"]!.DeepClone() }).ToArray()),
            }).ToArray();
            var next = start + TaggingPageSize < matching.Count ? (start + TaggingPageSize).ToString(CultureInfo.InvariantCulture) : string.Empty;
            return new JsonObject { ["ResourceTagMappingList"] = new JsonArray(page), ["PaginationToken"] = next };
        }, cancellationToken);

    private async Task<JsonObject> AnswerAsync(string operation, JsonObject request, Func<JsonObject> answer, CancellationToken cancellationToken)
    {
        Exception? fault = null;
        lock (gate)
        {
            calls.Add((operation, (JsonObject)request.DeepClone()));
            if (faults.TryGetValue(operation, out var queue) && queue.Count > 0)
            {
                fault = queue.Dequeue();
            }
        }

        if (Hold is not null)
        {
            await Hold.WaitAsync(cancellationToken);
        }

        await Task.Yield();
        if (fault is not null)
        {
            throw fault;
        }

        lock (gate)
        {
            return answer();
        }
    }

    private JsonObject Register(JsonObject request)
    {
        lock (gate)
        {
            var family = request["family"]!.ToString();
            if (!families.TryGetValue(family, out var revisions))
            {
                families[family] = revisions = [];
            }

            var number = revisions.Count + 1;
            var definition = (JsonObject)request.DeepClone();
            definition.Remove("tags");

            // What ECS adds on describe: the comparison must ignore it.
            definition["taskDefinitionArn"] = $"{ArnPrefix}{family}:{number}";
            definition["revision"] = number;
            definition["status"] = "ACTIVE";
            definition["volumes"] ??= new JsonArray();
            definition["placementConstraints"] ??= new JsonArray();
            definition["requiresAttributes"] = new JsonArray(new JsonObject { ["name"] = "com.amazonaws.ecs.capability.docker-remote-api.1.18" });
            definition["compatibilities"] = new JsonArray("EC2", "FARGATE");
            definition["registeredAt"] = "2026-11-27T20:00:00Z";
            definition["registeredBy"] = "arn:aws:iam::123456789012:user/test";
            definition["enableFaultInjection"] = false;
            foreach (var container in definition["containerDefinitions"] as JsonArray ?? [])
            {
                container!["cpu"] ??= 0;
                container["portMappings"] ??= new JsonArray();
                container["mountPoints"] ??= new JsonArray();
                container["volumesFrom"] ??= new JsonArray();
                container["systemControls"] ??= new JsonArray();
            }

            var tags = request["tags"]?.DeepClone() as JsonArray ?? [];
            revisions.Add(new Revision(definition, tags));
            return new JsonObject { ["taskDefinition"] = definition.DeepClone(), ["tags"] = tags.DeepClone() };
        }
    }

    private Revision? Find(string name)
    {
        var text = name.StartsWith(ArnPrefix, StringComparison.Ordinal) ? name[ArnPrefix.Length..] : name;
        var colon = text.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return families.TryGetValue(text[..colon], out var list) && number >= 1 && number <= list.Count ? list[number - 1] : null;
        }

        // A bare family: its latest ACTIVE revision.
        return families.TryGetValue(text, out var revisions)
            ? revisions.LastOrDefault(r => r.Definition["status"]!.ToString() == "ACTIVE")
            : null;
    }

    private sealed record Revision(JsonObject Definition, JsonArray Tags);
}
