using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>How one kwarg value is read, and Python's truthiness of a value.</summary>
internal static class KwargValue
{
    /// <summary>
    /// Removes every object member whose value is JSON null, at any depth (in kwargs, null means "not set", and ECS's
    /// model rejects a null member). Array elements are kept.
    /// </summary>
    /// <param name="node">The node to clean in place.</param>
    public static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var (_, value) in obj)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }

    /// <summary>
    /// Reads a value: a string that is a Python literal becomes that literal (as the original); else a string that is
    /// JSON becomes that JSON (our fix: <c>true</c>, <c>false</c>, <c>null</c> work); else the string is kept.
    /// Non-string values are kept as they are.
    /// </summary>
    /// <param name="value">The value (not mutated).</param>
    /// <returns>A detached node (safe to add to a dictionary).</returns>
    public static JsonNode? Read(JsonNode? value)
    {
        if (!TryGetString(value, out var text))
        {
            return value?.DeepClone();
        }

        if (PythonLiteral.TryParse(text, out var literal))
        {
            return literal;
        }

        if (TryParseJson(text, out var json))
        {
            return json;
        }

        return JsonValue.Create(text);
    }

    /// <summary>Gets the string of a JSON string value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="text">The string.</param>
    /// <returns><see langword="true"/> when the value is a JSON string.</returns>
    public static bool TryGetString(JsonNode? value, out string text)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            text = v.GetValue<string>();
            return true;
        }

        text = string.Empty;
        return false;
    }

    /// <summary>Python truthiness: <c>None</c>, <c>False</c>, <c>0</c>, <c>0.0</c>, <c>""</c>, <c>[]</c> and <c>{}</c> are falsy.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when the value is falsy.</returns>
    public static bool IsFalsy(JsonNode? value) => value switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => true,
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.Number => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == 0,
            _ => false,
        },
        _ => false,
    };

    /// <summary>Whether a JSON number is a Python <c>int</c> (no fraction or exponent in its text).</summary>
    /// <param name="value">The value.</param>
    /// <param name="digits">The decimal text of the integer.</param>
    /// <returns><see langword="true"/> for an integer number.</returns>
    public static bool IsInteger(JsonNode? value, out string digits)
    {
        digits = string.Empty;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        var raw = v.ToJsonString();
        if (v.TryGetValue<JsonElement>(out _))
        {
            // Parsed JSON: Python's json module makes an int of a number without fraction or exponent.
            if (raw.AsSpan().IndexOfAny(".eE") >= 0)
            {
                return false;
            }
        }
        else if (v.TryGetValue<double>(out _) || v.TryGetValue<float>(out _) || v.TryGetValue<decimal>(out _))
        {
            // A CLR floating-point value is a Python float even when it prints without a fraction (256d).
            return false;
        }

        digits = raw;
        return true;
    }

    private static bool TryParseJson(string text, out JsonNode? node)
    {
        node = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            node = JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
