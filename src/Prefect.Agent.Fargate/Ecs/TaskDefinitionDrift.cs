using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// Compares the RegisterTaskDefinition body the agent would send now with a described task definition, to find drift
/// (reference section 9 item 5: the original reused a stale definition forever).
/// </summary>
/// <remarks>
/// Members ECS adds on describe (revision, status, ARN, requiresAttributes, compatibilities, registeredAt, ...) are not
/// compared. A member compared is one the request sets, or one of RegisterTaskDefinition's own inputs: a setting
/// removed from the configuration (e.g. a task role) is drift too. Absent, <c>null</c>, <c>""</c>, <c>[]</c> and
/// <c>{}</c> and <c>false</c> are the same ("not set"), because ECS answers <c>volumes: []</c> for a request without volumes.
/// Scalars compare by text (<c>"256"</c> equals <c>256</c>; task <c>cpu</c>/<c>memory</c> in ECS's units, <c>"1 vCPU"</c>
/// equals <c>"1024"</c>). Name/value lists and tags compare as sets.
/// </remarks>
internal static class TaskDefinitionDrift
{
    // RegisterTaskDefinition's inputs (ECS API 2014-11-13), except family (the lookup key) and tags (compared apart).
    private static readonly string[] RegisterMembers =
    [
        "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes", "placementConstraints",
        "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators",
        "ephemeralStorage", "runtimePlatform", "enableFaultInjection",
    ];

    // The container members the agent itself sets or may set from kwargs; others are compared only when requested,
    // because ECS fills many container members with defaults on describe (portMappings, volumesFrom, cpu 0, ...).
    private static readonly string[] ContainerMembers =
    [
        "name", "image", "command", "environment", "essential", "secrets", "mountPoints", "logConfiguration",
        "repositoryCredentials",
    ];

    private static readonly HashSet<string> SetLike = new(StringComparer.Ordinal)
    {
        "environment", "secrets", "requiresCompatibilities", "tags",
    };

    /// <summary>Finds the first member in which an existing definition differs from the request.</summary>
    /// <param name="request">The RegisterTaskDefinition body the agent would send now.</param>
    /// <param name="existing">The described <c>taskDefinition</c>.</param>
    /// <param name="existingTags">The described <c>tags</c> (absent: none).</param>
    /// <returns>The JSON path of the first difference, or <see langword="null"/> when the definition matches.</returns>
    public static string? FindDifference(JsonObject request, JsonObject existing, JsonArray? existingTags)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(existing);

        foreach (var member in Members(request, RegisterMembers, skip: ["family", "tags"]))
        {
            var wanted = request[member];
            var actual = existing[member];
            var difference = member == "containerDefinitions"
                ? CompareContainers(wanted, actual)
                : Equal(member, wanted, actual) ? null : member;
            if (difference is not null)
            {
                return difference;
            }
        }

        return Equal("tags", request["tags"], existingTags) ? null : "tags";
    }

    private static string? CompareContainers(JsonNode? wanted, JsonNode? actual)
    {
        var wantedList = wanted as JsonArray ?? [];
        var actualList = actual as JsonArray ?? [];
        if (wantedList.Count != actualList.Count)
        {
            return "containerDefinitions";
        }

        for (var i = 0; i < wantedList.Count; i++)
        {
            if (wantedList[i] is not JsonObject wantedContainer || actualList[i] is not JsonObject actualContainer)
            {
                if (!Equal("containerDefinitions", wantedList[i], actualList[i]))
                {
                    return $"containerDefinitions[{i}]";
                }

                continue;
            }

            foreach (var member in Members(wantedContainer, ContainerMembers, skip: []))
            {
                if (!Equal(member, wantedContainer[member], actualContainer[member]))
                {
                    return $"containerDefinitions[{i}].{member}";
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Members(JsonObject request, string[] known, string[] skip) =>
        request.Select(p => p.Key).Concat(known).Distinct(StringComparer.Ordinal).Where(m => !skip.Contains(m, StringComparer.Ordinal));

    private static bool Equal(string member, JsonNode? wanted, JsonNode? actual)
    {
        if (IsUnset(wanted) || IsUnset(actual))
        {
            return IsUnset(wanted) && IsUnset(actual);
        }

        switch (wanted, actual)
        {
            case (JsonObject w, JsonObject a):
                var keys = w.Select(p => p.Key).Concat(a.Select(p => p.Key)).Distinct(StringComparer.Ordinal);
                return keys.All(k => Equal(k, w[k], a[k]));
            case (JsonArray w, JsonArray a):
                if (w.Count != a.Count)
                {
                    return false;
                }

                if (SetLike.Contains(member))
                {
                    var sortedWanted = w.Select(Canonical).Order(StringComparer.Ordinal);
                    var sortedActual = a.Select(Canonical).Order(StringComparer.Ordinal);
                    return sortedWanted.SequenceEqual(sortedActual, StringComparer.Ordinal);
                }

                return w.Zip(a).All(pair => Equal(member, pair.First, pair.Second));
            case (JsonValue w, JsonValue a):
                // ECS stores "1 vCPU" / "2 GB" as "1024" / "2048": not a change.
                return string.Equals(EcsTaskSize.Normalize(member, ScalarText(w)), EcsTaskSize.Normalize(member, ScalarText(a)), StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private static bool IsUnset(JsonNode? node) => node switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Length == 0,

            // ECS answers enableFaultInjection: false for a request that did not set it.
            JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        },
        _ => false,
    };

    private static string ScalarText(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number when value.TryGetValue<decimal>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    // A canonical text of a set element: object members sorted, so {"value":..,"name":..} equals {"name":..,"value":..}.
    private static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Where(p => !IsUnset(p.Value))
            .Select(p => JsonSerializer.Serialize(p.Key, EcsJsonContext.Default.String) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        JsonValue value => value.GetValueKind() == JsonValueKind.String
            ? JsonSerializer.Serialize(ScalarText(value), EcsJsonContext.Default.String)
            : ScalarText(value),
        _ => node.ToJsonString(),
    };
}
