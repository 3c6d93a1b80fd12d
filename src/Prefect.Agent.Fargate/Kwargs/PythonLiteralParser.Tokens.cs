using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The tokens of <see cref="PythonLiteralParser"/>: signed numbers, names and string literals.</summary>
internal sealed partial class PythonLiteralParser
{
    private JsonNode ParseSigned(int depth)
    {
        var negative = text[pos] == '-';
        pos++;
        SkipTrivia(depth > 0);
        if (Peek() == '(')
        {
            // -(1) is a signed constant too: parentheses are not an AST node.
            pos++;
            SkipTrivia(true);
            var inner = ParseSigned0();
            Expect(')', depth + 1);
            return inner;

            JsonNode ParseSigned0()
            {
                if (!(IsDigit(Peek()) || Peek() == '.'))
                {
                    throw PythonLiteral.NotALiteral("a sign must be followed by a number");
                }

                return ParseNumber(negative);
            }
        }

        if (!(IsDigit(Peek()) || (Peek() == '.' && pos + 1 < text.Length && IsDigit(text[pos + 1]))))
        {
            throw PythonLiteral.NotALiteral("a sign must be followed by a number");
        }

        return ParseNumber(negative);
    }

    private JsonNode ParseNumber(bool negative)
    {
        var start = pos;
        if (text[pos] == '0' && pos + 1 < text.Length && text[pos + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = char.ToLowerInvariant(text[pos + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            pos += 2;
            var digits = ReadDigits(ch => Uri.IsHexDigit(ch) && Convert.ToInt32(ch.ToString(), 16) < radix, allowLeadingUnderscore: true);
            EnsureNumberEnd();
            var value = BigInteger.Zero;
            foreach (var digit in digits)
            {
                value = (value * radix) + Convert.ToInt32(digit.ToString(), 16);
            }

            return PythonLiteral.IntegerNode(negative ? -value : value);
        }

        var intPart = IsDigit(Peek()) ? ReadDigits(IsDigit, allowLeadingUnderscore: false) : string.Empty;
        var isFloat = false;
        var fraction = string.Empty;
        if (Peek() == '.')
        {
            isFloat = true;
            pos++;
            if (IsDigit(Peek()))
            {
                fraction = ReadDigits(IsDigit, allowLeadingUnderscore: false);
            }
        }

        var exponent = string.Empty;
        if (Peek() is 'e' or 'E')
        {
            isFloat = true;
            pos++;
            var sign = string.Empty;
            if (Peek() is '+' or '-')
            {
                sign = text[pos].ToString();
                pos++;
            }

            if (!IsDigit(Peek()))
            {
                throw PythonLiteral.NotALiteral("invalid exponent");
            }

            exponent = sign + ReadDigits(IsDigit, allowLeadingUnderscore: false);
        }

        if (Peek() is 'j' or 'J')
        {
            throw PythonLiteral.NotALiteral("complex numbers cannot be held as JSON");
        }

        EnsureNumberEnd();
        if (!isFloat)
        {
            if (intPart.Length > 1 && intPart[0] == '0' && intPart.Any(ch => ch != '0'))
            {
                throw PythonLiteral.NotALiteral($"leading zeros in '{text[start..pos]}'");
            }

            var value = BigInteger.Parse(intPart, NumberStyles.None, CultureInfo.InvariantCulture);
            return PythonLiteral.IntegerNode(negative ? -value : value);
        }

        var literal = $"{(intPart.Length == 0 ? "0" : intPart)}.{(fraction.Length == 0 ? "0" : fraction)}{(exponent.Length == 0 ? string.Empty : "e" + exponent)}";
        var d = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(d))
        {
            throw PythonLiteral.NotALiteral("infinite floats cannot be held as JSON");
        }

        return JsonValue.Create(negative ? -d : d);
    }

    private string ReadDigits(Func<char, bool> isDigit, bool allowLeadingUnderscore)
    {
        var digits = new System.Text.StringBuilder();
        var expectDigit = true;
        if (allowLeadingUnderscore && Peek() == '_')
        {
            pos++;
        }

        while (pos < text.Length)
        {
            var ch = text[pos];
            if (isDigit(ch))
            {
                digits.Append(ch);
                expectDigit = false;
                pos++;
            }
            else if (ch == '_' && !expectDigit)
            {
                expectDigit = true;
                pos++;
            }
            else
            {
                break;
            }
        }

        if (expectDigit)
        {
            throw PythonLiteral.NotALiteral("invalid number");
        }

        return digits.ToString();
    }

    private void EnsureNumberEnd()
    {
        if (pos < text.Length && (IsIdentifierChar(text[pos]) || text[pos] == '.'))
        {
            throw PythonLiteral.NotALiteral($"invalid number at position {pos}");
        }
    }

    private JsonNode? ParseName(int depth)
    {
        var start = pos;
        while (pos < text.Length && IsIdentifierChar(text[pos]))
        {
            pos++;
        }

        var name = text[start..pos];
        if (Peek() is '\'' or '"')
        {
            return ParseStrings(name, depth);
        }

        switch (name)
        {
            case "True": return JsonValue.Create(true);
            case "False": return JsonValue.Create(false);
            case "None": return null;
            case "set":
                Expect('(', depth);
                Expect(')', depth + 1);
                return new JsonArray();
            default:
                throw PythonLiteral.NotALiteral($"'{name}' is a name, not a literal");
        }
    }

    private JsonValue ParseStrings(string firstPrefix, int depth)
    {
        var prefix = firstPrefix;
        var result = new System.Text.StringBuilder();
        bool? bytes = null;
        while (true)
        {
            var p = prefix.ToLowerInvariant();
            if (p is not ("" or "r" or "u" or "b" or "br" or "rb"))
            {
                throw PythonLiteral.NotALiteral(p.Contains('f', StringComparison.Ordinal) ? "f-strings are not literals" : $"'{prefix}' is not a string prefix");
            }

            var isBytes = p.Contains('b', StringComparison.Ordinal);
            if (bytes is not null && bytes != isBytes)
            {
                throw PythonLiteral.NotALiteral("cannot mix bytes and str literals");
            }

            bytes = isBytes;
            result.Append(ReadStringBody(raw: p.Contains('r', StringComparison.Ordinal), isBytes));

            // Implicit concatenation: 'a' "b" r'c'.
            var save = pos;
            SkipTrivia(depth > 0);
            var nameStart = pos;
            while (pos < text.Length && IsIdentifierChar(text[pos]) && pos - nameStart < 2)
            {
                pos++;
            }

            if (Peek() is '\'' or '"')
            {
                prefix = text[nameStart..pos];
                continue;
            }

            pos = save;
            return JsonValue.Create(result.ToString());
        }
    }

    private string ReadStringBody(bool raw, bool isBytes)
    {
        var quote = text[pos];
        var triple = pos + 2 < text.Length && text[pos + 1] == quote && text[pos + 2] == quote;
        pos += triple ? 3 : 1;
        var start = pos;
        while (true)
        {
            if (pos >= text.Length)
            {
                throw PythonLiteral.NotALiteral("unterminated string");
            }

            var c = text[pos];
            if (c == '\\')
            {
                pos += 2;
                continue;
            }

            if (!triple && c is '\n' or '\r')
            {
                throw PythonLiteral.NotALiteral("newline in a single-quoted string");
            }

            if (c == quote && (!triple || (pos + 2 < text.Length && text[pos + 1] == quote && text[pos + 2] == quote)))
            {
                var body = text[start..pos];
                pos += triple ? 3 : 1;
                if (raw)
                {
                    if (isBytes && body.Any(ch => ch > 0x7F))
                    {
                        throw PythonLiteral.NotALiteral("bytes can only contain ASCII literal characters");
                    }

                    return body;
                }

                return PythonLiteral.DecodeEscapes(body, isBytes);
            }

            pos++;
        }
    }
}
