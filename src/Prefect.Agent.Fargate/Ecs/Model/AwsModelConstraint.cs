using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Model;

/// <summary>
/// The constraints of one shape of botocore's full model (enum, min, max, and the constraint shapes of its members,
/// list member, map key and value), read from the model's JSON once for <see cref="AwsModelValidator"/>.
/// </summary>
internal sealed class AwsModelConstraint
{
    private readonly Dictionary<string, string?> memberShapes = new(StringComparer.Ordinal);

    private AwsModelConstraint(JsonObject constraint)
    {
        if (constraint["enum"] is JsonArray values)
        {
            Enum = values.Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            EnumList = string.Join(", ", values.Select(v => v!.GetValue<string>()));
        }

        Min = constraint["min"] as JsonValue;
        Max = constraint["max"] as JsonValue;
        if (constraint["members"] is JsonObject members)
        {
            foreach (var (name, member) in members)
            {
                memberShapes[name] = member?["shape"]?.GetValue<string>();
            }
        }

        MemberShape = constraint["member"]?["shape"]?.GetValue<string>();
        KeyShape = constraint["key"]?["shape"]?.GetValue<string>();
        ValueShape = constraint["value"]?["shape"]?.GetValue<string>();
    }

    /// <summary>Gets the valid values, or <see langword="null"/> when the shape has no enum.</summary>
    public HashSet<string>? Enum { get; }

    /// <summary>Gets the valid values in model order, comma-separated, for the message.</summary>
    public string EnumList { get; } = string.Empty;

    /// <summary>Gets the minimum length or value, as in the model.</summary>
    public JsonValue? Min { get; }

    /// <summary>Gets the maximum length or value, as in the model.</summary>
    public JsonValue? Max { get; }

    /// <summary>Gets a list's member constraint shape name.</summary>
    public string? MemberShape { get; }

    /// <summary>Gets a map's key constraint shape name.</summary>
    public string? KeyShape { get; }

    /// <summary>Gets a map's value constraint shape name.</summary>
    public string? ValueShape { get; }

    /// <summary>Reads every constraint shape of a model.</summary>
    /// <param name="shapes">The model's <c>shapes</c>.</param>
    /// <returns>The constraints by shape name (shapes that are not JSON objects are left out, i.e. unconstrained).</returns>
    public static Dictionary<string, AwsModelConstraint> ReadAll(JsonObject shapes)
    {
        var all = new Dictionary<string, AwsModelConstraint>(StringComparer.Ordinal);
        foreach (var (name, shape) in shapes)
        {
            if (shape is JsonObject constraint)
            {
                all[name] = new AwsModelConstraint(constraint);
            }
        }

        return all;
    }

    /// <summary>Gets a structure member's constraint shape name.</summary>
    /// <param name="member">The member name.</param>
    /// <returns>The name, or <see langword="null"/>.</returns>
    public string? ShapeOfMember(string member) => memberShapes.GetValueOrDefault(member);
}
