using System.Globalization;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

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
    private static readonly Lazy<AwsModelValidator> EcsModel = new(() => Load("ecs-2014-11-13"));
    private static readonly Lazy<AwsModelValidator> TaggingModel = new(() => Load("resourcegroupstaggingapi-2017-01-26"));

    private readonly JsonObject operations;
    private readonly JsonObject shapes;
    private readonly JsonObject constraintOperations;
    private readonly JsonObject constraintShapes;

    private AwsModelValidator(JsonObject model, JsonObject constraints)
    {
        operations = model["operations"]!.AsObject();
        shapes = model["shapes"]!.AsObject();
        constraintOperations = constraints["operations"]!.AsObject();
        constraintShapes = constraints["shapes"]!.AsObject();
    }

    public static AwsModelValidator Ecs => EcsModel.Value;

    public static AwsModelValidator Tagging => TaggingModel.Value;

    public bool HasOperation(string operation) => operations.ContainsKey(operation);

    /// <summary>Validates the input of <paramref name="operation"/>.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="body">The parsed body.</param>
    /// <returns>The problems found (empty when valid).</returns>
    public ModelValidationResult Validate(string operation, JsonNode? body)
    {
        var result = new ModelValidationResult();
        if (operations[operation] is not JsonObject op)
        {
            result.Add($"Unknown operation: {operation}", isTypeError: false);
            return result;
        }

        var input = op["input"] as JsonObject ?? [];
        var constraintName = constraintOperations[operation]?["input"]?.GetValue<string>();
        Walk(body ?? new JsonObject(), input, constraintName, string.Empty, result);
        return result;
    }

    private static AwsModelValidator Load(string name)
    {
        return new AwsModelValidator(Read(name + ".min.json"), Read(name + ".constraints.json"));

        static JsonObject Read(string file)
        {
            var resource = "Prefect.Agent.Fargate.Testing.Models." + file;
            using var stream = typeof(AwsModelValidator).Assembly.GetManifestResourceStream(resource)
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

    private JsonObject Resolve(JsonObject shape)
    {
        while (shape["shape"] is JsonValue reference)
        {
            shape = shapes[reference.GetValue<string>()]!.AsObject();
        }

        return shape;
    }

    private JsonObject? Constraint(string? name) => name is null ? null : constraintShapes[name] as JsonObject;

    private void Walk(JsonNode? value, JsonObject modelShape, string? constraintName, string path, ModelValidationResult result)
    {
        if (value is null)
        {
            return; // JSON null is an absent member.
        }

        var shape = Resolve(modelShape);
        var type = shape["type"]?.GetValue<string>() ?? "string";
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
                    Walk(array[i], shape["member"] as JsonObject ?? [], constraint?["member"]?["shape"]?.GetValue<string>(), $"{path}[{i}]", result);
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
                    CheckString(key, Constraint(constraint?["key"]?["shape"]?.GetValue<string>()), path + " key", result);
                    Walk(item, shape["value"] as JsonObject ?? [], constraint?["value"]?["shape"]?.GetValue<string>(), $"{path}.{key}", result);
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

    private void WalkStructure(JsonNode value, JsonObject shape, JsonObject? constraint, string path, ModelValidationResult result)
    {
        if (value is not JsonObject obj)
        {
            TypeError(value, "structure", path, result);
            return;
        }

        var members = shape["members"] as JsonObject ?? [];
        foreach (var required in shape["required"] as JsonArray ?? [])
        {
            var name = required!.GetValue<string>();
            if (obj[name] is null)
            {
                result.Add($"Missing required parameter in {Where(path)}: \"{name}\"", isTypeError: false);
            }
        }

        foreach (var (name, item) in obj)
        {
            if (members[name] is not JsonObject member)
            {
                result.Add($"Unknown parameter in {Where(path)}: \"{name}\", must be one of: {string.Join(", ", members.Select(m => m.Key))}", isTypeError: false);
                continue;
            }

            Walk(item, member, constraint?["members"]?[name]?["shape"]?.GetValue<string>(), Child(path, name), result);
        }
    }

    private static void TypeError(JsonNode value, string expected, string path, ModelValidationResult result) =>
        result.Add($"Invalid type for parameter {path}, value: {value.ToJsonString()}, type: {Describe(value)}, valid types: {expected}", isTypeError: true);

    private static void CheckString(string text, JsonObject? constraint, string path, ModelValidationResult result)
    {
        if (constraint?["enum"] is JsonArray values && !values.Any(v => v!.GetValue<string>() == text))
        {
            result.Add($"Invalid value for parameter {path}, value: {text}, valid values: {string.Join(", ", values.Select(v => v!.GetValue<string>()))}", isTypeError: false);
        }

        CheckLength(text.Length, constraint, path, result);
    }

    private static void CheckLength(int length, JsonObject? constraint, string path, ModelValidationResult result)
    {
        if (constraint?["min"] is JsonValue min && length < min.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid length for parameter {path}, value: {length}, valid min length: {min.GetValue<long>()}"), isTypeError: false);
        }

        if (constraint?["max"] is JsonValue max && length > max.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid length for parameter {path}, value: {length}, valid max length: {max.GetValue<long>()}"), isTypeError: false);
        }
    }

    private static void CheckRange(long value, JsonObject? constraint, string path, ModelValidationResult result)
    {
        if (constraint?["min"] is JsonValue min && value < min.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid value for parameter {path}, value: {value}, valid min value: {min.GetValue<long>()}"), isTypeError: false);
        }

        if (constraint?["max"] is JsonValue max && value > max.GetValue<long>())
        {
            result.Add(string.Create(CultureInfo.InvariantCulture, $"Invalid value for parameter {path}, value: {value}, valid max value: {max.GetValue<long>()}"), isTypeError: false);
        }
    }
}
