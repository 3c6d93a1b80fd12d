using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps</c> with its defaults (<c>", "</c> and <c>": "</c> separators,
/// <c>ensure_ascii</c>), so that request bodies and the <c>variables</c> string are byte-identical to Prefect 0.15's.
/// </summary>
/// <remarks>
/// Hand-written because System.Text.Json has no option for Python's separators or its ASCII escaping; the writer walks
/// a <see cref="JsonNode"/> tree, which keeps it trimming- and AOT-safe.
/// </remarks>
internal static class PythonJson
{
    /// <summary>Serializes a node (or <see langword="null"/>) as Python's <c>json.dumps</c> would.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    /// <summary>Appends a JSON string literal with Python's escaping.</summary>
    /// <param name="builder">The target.</param>
    /// <param name="value">The string.</param>
    public static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        // Python escapes every non-ASCII UTF-16 unit (surrogates as two escapes), and DEL too.
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    WriteString(builder, key);
                    builder.Append(": ");
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            default:
                WriteValue(builder, node.AsValue());
                break;
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                // Numbers: the compact System.Text.Json form is also Python's for integers and plain decimals.
                builder.Append(value.ToJsonString());
                break;
        }
    }
}
