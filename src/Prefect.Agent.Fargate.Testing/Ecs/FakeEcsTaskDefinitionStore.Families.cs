using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <content>ListTaskDefinitionFamilies, like ECS: filtered by prefix and status, sorted, paginated.</content>
internal sealed partial class FakeEcsTaskDefinitionStore
{
    /// <summary>
    /// Lists family names. Like ECS: <c>status</c> defaults to <c>ALL</c>; <c>ACTIVE</c> keeps the families with at
    /// least one ACTIVE revision, <c>INACTIVE</c> those with none; <c>familyPrefix</c> keeps the names that start with
    /// it; names come sorted; at most <c>maxResults</c> (1-100, default 100) per page with a <c>nextToken</c>.
    /// </summary>
    /// <param name="request">The request body (already validated against the model).</param>
    /// <returns>The response body.</returns>
    public JsonObject ListFamilies(JsonObject request)
    {
        var prefix = request["familyPrefix"]?.GetValue<string>() ?? string.Empty;
        var status = request["status"]?.GetValue<string>() ?? "ALL";
        var max = request["maxResults"]?.GetValue<int>() ?? 100;
        if (max is < 1 or > 100)
        {
            throw FakeEcsErrorException.InvalidParameter("maxResults must be between 1 and 100.");
        }

        var matching = families
            .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Where(f => status switch
            {
                "ACTIVE" => f.Value.Any(r => r.Status == "ACTIVE"),
                "INACTIVE" => f.Value.All(r => r.Status != "ACTIVE"),
                _ => true,
            })
            .Select(f => f.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var (page, next) = Page(matching, request["nextToken"]?.GetValue<string>(), max);
        var response = new JsonObject { ["families"] = new JsonArray(page.Select(f => (JsonNode)f).ToArray()) };
        if (next is not null)
        {
            response["nextToken"] = next;
        }

        return response;
    }
}
