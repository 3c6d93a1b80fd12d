using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Model;

/// <summary>
/// Validates request bodies against the official AWS API models, as botocore's <c>ParamValidator</c> does (required
/// members, JSON types, unknown members) and also enums, lengths and ranges, which botocore leaves to the service.
/// </summary>
/// <remarks>
/// Members and types come from the aws-sdk (v2) npm package's compact model (newer: e.g. RunTask's
/// <c>clientToken</c>); enums, lengths and ranges come from python3-botocore's full model, matched member by member,
/// because the compact model drops them. Members the older model lacks are checked for type only.
/// </remarks>
internal sealed class AwsModelValidator
{
    private static readonly Lazy<AwsModelValidator> EcsKwargsModel =
        new(() => Load(typeof(AwsModelValidator).Assembly, "Prefect.Agent.Fargate.Ecs.Model.Models.", "ecs-kwargs"));

    private readonly JsonObject operations;
    private readonly Dictionary<string, (AwsModelShape Input, string? Constraint)> inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AwsModelConstraint> constraintShapes;

    private AwsModelValidator(JsonObject model, JsonObject constraints)
    {
        // Both models are read into compiled shapes here, once: the JSON models are not looked at per request.
        operations = model["operations"]!.AsObject();
        var shapes = model["shapes"]!.AsObject();
        var constraintOperations = constraints["operations"]!.AsObject();
        var compiled = new Dictionary<JsonObject, AwsModelShape>(ReferenceEqualityComparer.Instance);
        foreach (var (name, operation) in operations)
        {
            if (operation is JsonObject op)
            {
                inputs[name] = (AwsModelShape.Compile(op["input"] as JsonObject ?? [], shapes, compiled), constraintOperations[name]?["input"]?.GetValue<string>());
            }
        }

        constraintShapes = AwsModelConstraint.ReadAll(constraints["shapes"]!.AsObject());
    }

    /// <summary>Gets the trimmed ECS model this library ships: the inputs of RegisterTaskDefinition and RunTask.</summary>
    public static AwsModelValidator EcsKwargs => EcsKwargsModel.Value;

    public bool HasOperation(string operation) => operations.ContainsKey(operation);

    /// <summary>Validates the input of <paramref name="operation"/>.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="body">The parsed body.</param>
    /// <returns>The problems found (empty when valid).</returns>
    public ModelValidationResult Validate(string operation, JsonNode? body)
    {
        var result = new ModelValidationResult();
        if (!inputs.TryGetValue(operation, out var input))
        {
            result.Add($"Unknown operation: {operation}", isTypeError: false);
            return result;
        }

        Walk(body ?? new JsonObject(), input.Input, input.Constraint, string.Empty, result);
        return result;
    }

    /// <summary>
    /// Validates the members present in <paramref name="members"/> against <paramref name="operation"/>'s input, without
    /// asking for the input's required members (the agent adds those itself: the kwargs are a part of the request).
    /// </summary>
    /// <param name="operation">The operation.</param>
    /// <param name="members">Some members of the input.</param>
    /// <returns>The problems found (empty when valid).</returns>
    public ModelValidationResult ValidateMembers(string operation, JsonObject members)
    {
        var result = new ModelValidationResult();
        if (!inputs.TryGetValue(operation, out var input))
        {
            result.Add($"Unknown operation: {operation}", isTypeError: false);
            return result;
        }

        WalkStructure(members, input.Input, Constraint(input.Constraint), string.Empty, result, requireMembers: false);
        return result;
    }

    /// <summary>Reads a model pair (<c>NAME.min.json</c> and <c>NAME.constraints.json</c>) from embedded resources.</summary>
    /// <param name="assembly">The assembly that embeds the model.</param>
    /// <param name="prefix">The resources' name prefix.</param>
    /// <param name="name">The model's name.</param>
    /// <returns>The compiled validator.</returns>
    public static AwsModelValidator Load(Assembly assembly, string prefix, string name)
    {
        return new AwsModelValidator(Read(name + ".min.json"), Read(name + ".constraints.json"));

        JsonObject Read(string file)
        {
            var resource = prefix + file;
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded model '{resource}' is missing from the assembly.");
            return JsonNode.Parse(stream)!.AsObject();
        }
    }

    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Object => "object",
        System.Text.Json.JsonValueKind.Array => "array",
        System.Text.Json.JsonValueKind.String => "string",
        System.Text.Json.JsonValueKind.Number => "number",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Child(string path, string member) => path.Length == 0 ? member : path + "." + member;

    private static string Where(string path) => path.Length == 0 ? "input" : $"\"{path}\"";

    private AwsModelConstraint? Constraint(string? name) => name is null ? null : constraintShapes.GetValueOrDefault(name);

    private void Walk(JsonNode? value, AwsModelShape shape, string? constraintName, string path, ModelValidationResult result)
    {
        if (value is null)
        {
            return; // JSON null is an absent member.
        }

        var type = shape.Type;
        var constraint = Constraint(constraintName);
        switch (type)
        {
            case "structure":
                WalkStructure(value, shape, constraint, path, result);
                break;
            case "list":
                if (value is not JsonArray array)
                {
                    TypeError(value, "list", path, result);
                    return;
                }

                CheckLength(array.Count, constraint, path, result);
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], shape.Member!, constraint?.MemberShape, $"{path}[{i}]", result);
                }

                break;
            case "map":
                if (value is not JsonObject map)
                {
                    TypeError(value, "map", path, result);
                    return;
                }

                CheckLength(map.Count, constraint, path, result);
                foreach (var (key, item) in map)
                {
                    CheckString(key, Constraint(constraint?.KeyShape), path + " key", result);
                    Walk(item, shape.Value!, constraint?.ValueShape, $"{path}.{key}", result);
                }

                break;
            case "integer" or "long":
                // Read from the JSON text: a JsonValue built from an int does not convert to long.
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.Number
                    || !long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                {
                    TypeError(value, type, path, result);
                    return;
                }

                CheckRange(integer, constraint, path, result);
                break;
            case "double" or "float":
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
                {
                    TypeError(value, type, path, result);
                }

                break;
            case "boolean":
                if (value.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                {
                    TypeError(value, type, path, result);
                }

                break;
            case "timestamp":
                if (value.GetValueKind() is not (System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String))
                {
                    TypeError(value, type, path, result);
                }

                break;
            default: // string, blob (base64 text)
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.String)
                {
                    TypeError(value, type, path, result);
                    return;
                }

                CheckString(value.GetValue<string>(), constraint, path, result);
                break;
        }
    }

    private void WalkStructure(JsonNode value, AwsModelShape shape, AwsModelConstraint? constraint, string path, ModelValidationResult result, bool requireMembers = true)
    {
        if (value is not JsonObject obj)
        {
            TypeError(value, "structure", path, result);
            return;
        }

        foreach (var name in requireMembers ? shape.Required : [])
        {
            if (obj[name] is null)
            {
                result.Add($"Missing required parameter in {Where(path)}: \"{name}\"", isTypeError: false);
            }
        }

        foreach (var (name, item) in obj)
        {
            if (!shape.Members.TryGetValue(name, out var member))
            {
                result.Add($"Unknown parameter in {Where(path)}: \"{name}\", must be one of: {shape.MemberNames}", isTypeError: false);
                continue;
            }

            Walk(item, member, constraint?.ShapeOfMember(name), Child(path, name), result);
        }
    }

    private static void TypeError(JsonNode value, string expected, string path, ModelValidationResult result) =>
        result.Add($"Invalid type for parameter {path}, value: {value.ToJsonString()}, type: {Describe(value)}, valid types: {expected}", isTypeError: true);

    private static void CheckString(string text, AwsModelConstraint? constraint, string path, ModelValidationResult result)
    {
        if (constraint?.Enum is { } values && !values.Contains(text))
        {
            result.Add($"Invalid value for parameter {path}, value: {text}, valid values: {constraint.EnumList}", isTypeError: false);
        }

        CheckLength(text.Length, constraint, path, result);
    }

    private static void CheckLength(int length, AwsModelConstraint? constraint, string path, ModelValidationResult result)
    {
        if (constraint?.Min is { } min && length < min.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid length for parameter {path}, value: {length}, valid min length: {min.GetValue<long>()}"), isTypeError: false);
        }

        if (constraint?.Max is { } max && length > max.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid length for parameter {path}, value: {length}, valid max length: {max.GetValue<long>()}"), isTypeError: false);
        }
    }

    private static void CheckRange(long value, AwsModelConstraint? constraint, string path, ModelValidationResult result)
    {
        if (constraint?.Min is { } min && value < min.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid value for parameter {path}, value: {value}, valid min value: {min.GetValue<long>()}"), isTypeError: false);
        }

        if (constraint?.Max is { } max && value > max.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid value for parameter {path}, value: {value}, valid max value: {max.GetValue<long>()}"), isTypeError: false);
        }
    }
}
