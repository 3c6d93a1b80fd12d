using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>Task definitions like ECS keeps them: families, revisions, ACTIVE/INACTIVE, tags. Not thread-safe: the fake locks.</summary>
internal sealed partial class FakeEcsTaskDefinitionStore(string region, string accountId, TimeProvider timeProvider)
{
    private readonly List<Revision> all = [];
    private readonly Dictionary<string, List<Revision>> families = new(StringComparer.Ordinal);

    public IReadOnlyList<FakeEcsTaskDefinition> Snapshot() => all.Select(r => r.ToPublic()).ToList();

    public JsonObject Register(JsonObject request)
    {
        var family = request["family"]?.GetValue<string>() ?? string.Empty;
        if (!FamilyPattern().IsMatch(family))
        {
            throw FakeEcsErrorException.Client("Family name can be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.");
        }

        var containers = request["containerDefinitions"] as JsonArray ?? [];
        if (containers.Count == 0)
        {
            throw FakeEcsErrorException.Client("Container list cannot be empty.");
        }

        foreach (var container in containers)
        {
            if (string.IsNullOrEmpty(container?["name"]?.GetValue<string>()))
            {
                throw FakeEcsErrorException.Client("Container.name should not be null or empty.");
            }

            if (string.IsNullOrEmpty(container?["image"]?.GetValue<string>()))
            {
                throw FakeEcsErrorException.Client("Container.image should not be null or empty.");
            }
        }

        // ECS fetches secrets with the task execution role, and refuses secrets without one at registration.
        if (containers.Any(c => c?["secrets"] is JsonArray { Count: > 0 }) && string.IsNullOrEmpty(request["executionRoleArn"]?.GetValue<string>()))
        {
            throw FakeEcsErrorException.Client("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
        }

        var requires = (request["requiresCompatibilities"] as JsonArray ?? []).Select(c => c!.GetValue<string>()).ToList();
        var networkMode = request["networkMode"]?.GetValue<string>() ?? "bridge";
        if (requires.Contains("FARGATE"))
        {
            if (networkMode != "awsvpc")
            {
                throw FakeEcsErrorException.Client($"Fargate only supports network mode 'awsvpc'.");
            }

            if (request["cpu"] is null)
            {
                throw FakeEcsErrorException.Client("Fargate requires that 'cpu' be defined at the task level.");
            }

            if (request["memory"] is null)
            {
                throw FakeEcsErrorException.Client("Fargate requires that 'memory' be defined at the task level.");
            }
        }

        if (!families.TryGetValue(family, out var revisions))
        {
            families[family] = revisions = [];
        }

        var number = revisions.Count + 1;
        var arn = $"arn:aws:ecs:{region}:{accountId}:task-definition/{family}:{number}";
        var definition = request.DeepClone().AsObject();
        definition.Remove("tags");

        // Like ECS, describe answers defaults for what the request left out: a client comparing its request with a
        // described definition (drift detection) must not read them as changes.
        foreach (var container in definition["containerDefinitions"]!.AsArray().OfType<JsonObject>())
        {
            container.TryAdd("cpu", 0);
            container.TryAdd("portMappings", new JsonArray());
            container.TryAdd("mountPoints", new JsonArray());
            container.TryAdd("volumesFrom", new JsonArray());
            container.TryAdd("systemControls", new JsonArray());
        }

        foreach (var (member, unit) in new[] { ("cpu", "vcpu"), ("memory", "gb") })
        {
            if (definition[member] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                definition[member] = TaskSize(text, unit);
            }
        }

        definition.TryAdd("volumes", new JsonArray());
        definition.TryAdd("placementConstraints", new JsonArray());
        definition["taskDefinitionArn"] = arn;
        definition["revision"] = number;
        definition["status"] = "ACTIVE";
        definition["networkMode"] = networkMode;
        definition["requiresAttributes"] = new JsonArray();
        definition["compatibilities"] = requires.Contains("FARGATE") ? new JsonArray("EC2", "FARGATE") : new JsonArray("EC2");
        definition["registeredAt"] = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        definition["registeredBy"] = $"arn:aws:iam::{accountId}:root";
        var tags = (request["tags"] as JsonArray ?? [])
            .Select(t => new KeyValuePair<string, string>(t!["key"]?.GetValue<string>() ?? string.Empty, t["value"]?.GetValue<string>() ?? string.Empty))
            .ToList();
        var revision = new Revision(family, number, arn, definition, tags);
        revisions.Add(revision);
        all.Add(revision);
        return new JsonObject { ["taskDefinition"] = definition.DeepClone(), ["tags"] = revision.TagsJson() };
    }

    public JsonObject Describe(JsonObject request)
    {
        var reference = request["taskDefinition"]?.GetValue<string>() ?? string.Empty;
        var revision = Find(reference, latestActive: true)
            ?? throw FakeEcsErrorException.Client("Unable to describe task definition.");
        var response = new JsonObject { ["taskDefinition"] = revision.Definition.DeepClone() };
        if ((request["include"] as JsonArray ?? []).Any(i => i?.GetValue<string>() == "TAGS"))
        {
            response["tags"] = revision.TagsJson();
        }

        return response;
    }

    public JsonObject Deregister(JsonObject request)
    {
        var reference = request["taskDefinition"]?.GetValue<string>() ?? string.Empty;
        if (!reference.Contains(':', StringComparison.Ordinal))
        {
            throw FakeEcsErrorException.Client("Invalid revision number. Number: " + reference);
        }

        var revision = Find(reference, latestActive: false) ?? throw FakeEcsErrorException.Client("The specified task definition does not exist.");
        revision.Definition["status"] = "INACTIVE";
        revision.Definition["deregisteredAt"] = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        return new JsonObject { ["taskDefinition"] = revision.Definition.DeepClone() };
    }

    /// <summary>Resolves <c>family</c> (latest ACTIVE revision), <c>family:revision</c> or an ARN.</summary>
    /// <param name="reference">The reference.</param>
    /// <param name="latestActive">Whether a bare family resolves to its latest ACTIVE revision.</param>
    /// <returns>The revision, or <see langword="null"/>.</returns>
    public Revision? Find(string reference, bool latestActive)
    {
        var text = reference;
        var prefix = $"arn:aws:ecs:{region}:{accountId}:task-definition/";
        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return null;
            }

            text = text[prefix.Length..];
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return latestActive && families.TryGetValue(text, out var revisions) ? revisions.LastOrDefault(r => r.Status == "ACTIVE") : null;
        }

        return int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && families.TryGetValue(text[..colon], out var list) && number >= 1 && number <= list.Count ? list[number - 1] : null;
    }

    public JsonObject List(JsonObject request)
    {
        var family = request["familyPrefix"]?.GetValue<string>();
        var status = request["status"]?.GetValue<string>() ?? "ACTIVE";
        var descending = request["sort"]?.GetValue<string>() == "DESC";
        var max = request["maxResults"]?.GetValue<int>() ?? 100;
        if (max is < 1 or > 100)
        {
            throw FakeEcsErrorException.InvalidParameter("maxResults must be between 1 and 100.");
        }

        var matching = all
            .Where(r => family is null || r.Family == family)
            .Where(r => status == "ALL" || r.Status == status)
            .OrderBy(r => r.Family, StringComparer.Ordinal).ThenBy(r => r.Number)
            .Select(r => r.Arn)
            .ToList();
        if (descending)
        {
            matching.Reverse();
        }

        var (page, next) = Page(matching, request["nextToken"]?.GetValue<string>(), max);
        var response = new JsonObject { ["taskDefinitionArns"] = new JsonArray(page.Select(a => (JsonNode)a).ToArray()) };
        if (next is not null)
        {
            response["nextToken"] = next;
        }

        return response;
    }

    public JsonObject GetResources(JsonObject request)
    {
        var typeFilters = (request["ResourceTypeFilters"] as JsonArray)?.Select(t => t!.GetValue<string>()).ToList();
        var includeDefinitions = typeFilters is null || typeFilters.Count == 0 || typeFilters.Any(t => t is "ecs" or "ecs:task-definition");
        var filters = (request["TagFilters"] as JsonArray ?? [])
            .Select(f => (Key: f!["Key"]?.GetValue<string>() ?? string.Empty, Values: (f["Values"] as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToList()))
            .ToList();
        var perPage = request["ResourcesPerPage"]?.GetValue<int>() ?? 50;
        if (perPage is < 1 or > 100)
        {
            throw FakeEcsErrorException.InvalidParameter("ResourcesPerPage must be between 1 and 100.");
        }

        // Like the real API: deregistered (INACTIVE) revisions keep their tags and are still returned.
        var matching = !includeDefinitions ? [] : all
            .Where(r => r.Tags.Count > 0)
            .Where(r => filters.All(f => r.Tags.Any(t => t.Key == f.Key && (f.Values.Count == 0 || f.Values.Contains(t.Value)))))
            .ToList();
        var (page, next) = Page(matching, request["PaginationToken"]?.GetValue<string>(), perPage);
        var list = new JsonArray();
        foreach (var revision in page)
        {
            list.Add((JsonNode)new JsonObject
            {
                ["ResourceARN"] = revision.Arn,
                ["Tags"] = new JsonArray(revision.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray()),
            });
        }

        return new JsonObject { ["PaginationToken"] = next ?? string.Empty, ["ResourceTagMappingList"] = list };
    }

    private static (List<T> Page, string? Next) Page<T>(List<T> items, string? token, int size)
    {
        var offset = 0;
        if (!string.IsNullOrEmpty(token))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                offset = text.StartsWith("offset:", StringComparison.Ordinal) ? int.Parse(text[7..], CultureInfo.InvariantCulture) : -1;
            }
            catch (FormatException)
            {
                offset = -1;
            }

            if (offset < 0 || offset > items.Count)
            {
                throw FakeEcsErrorException.InvalidParameter("Invalid token " + token);
            }
        }

        var page = items.Skip(offset).Take(size).ToList();
        var end = offset + page.Count;
        return (page, end < items.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + end.ToString(CultureInfo.InvariantCulture))) : null);
    }

    // ECS stores task cpu "1 vCPU" as "1024" CPU units and memory "2 GB" as "2048" MiB.
    private static string TaskSize(string text, string unit)
    {
        var match = SizePattern().Match(text);
        return match.Success && string.Equals(match.Groups[2].Value, unit, StringComparison.OrdinalIgnoreCase)
            && decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? decimal.Truncate(number * 1024).ToString(CultureInfo.InvariantCulture)
            : text;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex FamilyPattern();

    internal sealed class Revision(string family, int number, string arn, JsonObject definition, List<KeyValuePair<string, string>> tags)
    {
        public string Family => family;

        public int Number => number;

        public string Arn => arn;

        public JsonObject Definition => definition;

        public List<KeyValuePair<string, string>> Tags => tags;

        public string Status => definition["status"]?.GetValue<string>() ?? "ACTIVE";

        public JsonArray TagsJson() => new(tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());

        public FakeEcsTaskDefinition ToPublic()
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            return new FakeEcsTaskDefinition(arn, family, number, Status, map, definition.DeepClone().AsObject());
        }
    }
}
