using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>
/// Python's <c>ast.literal_eval</c> for the values the original read (reference Appendix A): strings (all quote forms,
/// escapes, <c>r</c>/<c>u</c>/<c>b</c> prefixes, implicit concatenation), integers (decimal, <c>0x</c>, <c>0o</c>,
/// <c>0b</c>, underscores, any size), floats, one unary sign, <c>True</c>/<c>False</c>/<c>None</c>, lists, tuples,
/// dicts, sets and <c>set()</c>, nested; leading spaces and tabs are allowed, as are comments and trailing newlines.
/// </summary>
/// <remarks>
/// Hand-written: no .NET package evaluates Python literals. Results are JSON: tuples and sets become arrays, bytes
/// become strings (Latin-1), integers beyond <see cref="long"/> stay exact JSON numbers. Values JSON cannot hold are
/// reported as "not a literal" so the caller keeps the raw string: complex numbers (<c>1j</c>), infinite floats
/// (<c>1e999</c>), <c>\N{...}</c> escapes, and dict keys that are not strings or numbers.
/// </remarks>
internal static class PythonLiteral
{
    /// <summary>Parses a Python literal.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The value as JSON; <see langword="null"/> for <c>None</c>.</returns>
    /// <exception cref="FormatException">The text is not a Python literal (or one JSON cannot hold).</exception>
    public static JsonNode? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new PythonLiteralParser(text);
        return parser.ParseTopLevel();
    }

    /// <summary>Tries to parse a Python literal.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value as JSON when the text is a literal.</param>
    /// <returns><see langword="true"/> when the text is a literal.</returns>
    public static bool TryParse(string text, out JsonNode? value)
    {
        try
        {
            value = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>Creates the JSON number of a Python int, exact at any size.</summary>
    /// <param name="value">The integer.</param>
    /// <returns>The JSON value.</returns>
    internal static JsonNode IntegerNode(BigInteger value)
        => value >= long.MinValue && value <= long.MaxValue
            ? JsonValue.Create((long)value)
            : JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    internal static FormatException NotALiteral(string why) => new($"Not a Python literal: {why}.");

    internal static string DecodeEscapes(string body, bool isBytes)
    {
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (isBytes && c > 0x7F)
            {
                throw NotALiteral("bytes can only contain ASCII literal characters");
            }

            if (c != '\\' || i + 1 >= body.Length)
            {
                sb.Append(c);
                continue;
            }

            var e = body[++i];
            switch (e)
            {
                case '\n': break;
                case '\r':
                    if (i + 1 < body.Length && body[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case >= '0' and <= '7':
                    {
                        var n = 0;
                        var len = 0;
                        while (len < 3 && i < body.Length && body[i] is >= '0' and <= '7')
                        {
                            n = (n * 8) + (body[i] - '0');
                            i++;
                            len++;
                        }

                        i--;
                        AppendCodePoint(sb, isBytes ? n & 0xFF : n);
                        break;
                    }

                case 'x':
                    AppendCodePoint(sb, ReadHex(body, ref i, 2));
                    break;
                case 'u' when !isBytes:
                    AppendCodePoint(sb, ReadHex(body, ref i, 4));
                    break;
                case 'U' when !isBytes:
                    AppendCodePoint(sb, ReadHex(body, ref i, 8));
                    break;
                case 'N' when !isBytes:
                    throw NotALiteral(@"\N{...} escapes are not supported");
                default:
                    // Python keeps unknown escapes as written.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        return sb.ToString();
    }

    private static int ReadHex(string body, ref int i, int digits)
    {
        if (i + digits >= body.Length)
        {
            throw NotALiteral("truncated escape");
        }

        var hex = body.Substring(i + 1, digits);
        if (hex.Any(ch => !Uri.IsHexDigit(ch)) || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || value > 0x10FFFF)
        {
            throw NotALiteral("truncated escape");
        }

        i += digits;
        return (int)value;
    }

    private static void AppendCodePoint(StringBuilder sb, int codePoint)
    {
        if (codePoint is < 0 or > 0x10FFFF)
        {
            throw NotALiteral("escape out of range");
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            sb.Append((char)codePoint);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(codePoint));
        }
    }
}
