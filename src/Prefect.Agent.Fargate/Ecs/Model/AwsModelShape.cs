using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Model;

/// <summary>
/// One shape of an API model as <see cref="AwsModelValidator"/> walks it, read from the model's JSON once: its
/// <c>shape</c> references followed, its type, members and required names at hand, so that validating a request does
/// not look them up again in the JSON model for every value of every request.
/// </summary>
internal sealed class AwsModelShape
{
    private AwsModelShape(string type) => Type = type;

    /// <summary>Gets the model type: <c>structure</c>, <c>list</c>, <c>map</c>, <c>string</c>, <c>integer</c>, ...</summary>
    public string Type { get; }

    /// <summary>Gets a structure's members that have a shape (a member that is not a JSON object counts as unknown, as before).</summary>
    public Dictionary<string, AwsModelShape> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every member name of a structure, comma-separated, for the unknown-member message.</summary>
    public string MemberNames { get; private set; } = string.Empty;

    /// <summary>Gets a structure's required member names, in model order.</summary>
    public List<string> Required { get; } = [];

    /// <summary>Gets a list's member shape.</summary>
    public AwsModelShape? Member { get; private set; }

    /// <summary>Gets a map's value shape.</summary>
    public AwsModelShape? Value { get; private set; }

    /// <summary>Compiles the shape a model node stands for, and every shape under it (shared and recursive shapes once).</summary>
    /// <param name="node">A model node: a shape, or a member/input that refers to one with <c>shape</c>.</param>
    /// <param name="shapes">The model's named shapes.</param>
    /// <param name="compiled">The shapes compiled so far, by their model object (reference).</param>
    /// <returns>The compiled shape.</returns>
    public static AwsModelShape Compile(JsonObject node, JsonObject shapes, Dictionary<JsonObject, AwsModelShape> compiled)
    {
        var shape = node;
        while (shape["shape"] is JsonValue reference)
        {
            shape = shapes[reference.GetValue<string>()]!.AsObject();
        }

        if (compiled.TryGetValue(shape, out var known))
        {
            return known;
        }

        var result = new AwsModelShape(shape["type"]?.GetValue<string>() ?? "string");
        compiled[shape] = result;
        switch (result.Type)
        {
            case "structure":
                var members = shape["members"] as JsonObject ?? [];
                result.MemberNames = string.Join(", ", members.Select(m => m.Key));
                foreach (var required in shape["required"] as JsonArray ?? [])
                {
                    result.Required.Add(required!.GetValue<string>());
                }

                foreach (var (name, member) in members)
                {
                    if (member is JsonObject memberShape)
                    {
                        result.Members[name] = Compile(memberShape, shapes, compiled);
                    }
                }

                break;
            case "list":
                result.Member = Compile(shape["member"] as JsonObject ?? [], shapes, compiled);
                break;
            case "map":
                result.Value = Compile(shape["value"] as JsonObject ?? [], shapes, compiled);
                break;
        }

        return result;
    }
}
