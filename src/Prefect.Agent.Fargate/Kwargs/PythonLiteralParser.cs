using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The recursive-descent reader behind <see cref="PythonLiteral"/> (Python's eval-mode grammar, literals only).</summary>
internal sealed class PythonLiteralParser
{
    private const int MaxDepth = 64;
    private readonly string text;
    private int pos;

    public PythonLiteralParser(string text)
    {
        this.text = text;
    }

    public JsonNode? ParseTopLevel()
    {
        // ast.literal_eval strips leading spaces and tabs; eval mode then ignores blank lines and comments.
        SkipTrivia(newlines: true);
        if (pos >= text.Length)
        {
            throw PythonLiteral.NotALiteral("empty text");
        }

        var value = ParseTupleOrValue(0);
        SkipTrivia(newlines: true);
        if (pos < text.Length)
        {
            throw PythonLiteral.NotALiteral($"unexpected '{text[pos]}' at position {pos}");
        }

        return value;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private JsonNode? ParseTupleOrValue(int depth)
    {
        var first = ParseValue(depth);
        SkipTrivia(depth > 0);
        if (Peek() != ',')
        {
            return first;
        }

        var tuple = new JsonArray(first);
        while (Peek() == ',')
        {
            pos++;
            SkipTrivia(depth > 0);
            if (!StartsValue())
            {
                break;
            }

            tuple.Add(ParseValue(depth));
            SkipTrivia(depth > 0);
        }

        return tuple;
    }

    private bool StartsValue()
    {
        if (pos >= text.Length)
        {
            return false;
        }

        var c = text[pos];
        return c is '(' or '[' or '{' or '\'' or '"' or '+' or '-' or '.' || IsIdentifierChar(c);
    }

    private char Peek() => pos < text.Length ? text[pos] : '\0';

    private void Expect(char c, int depth)
    {
        SkipTrivia(depth > 0);
        if (Peek() != c)
        {
            throw PythonLiteral.NotALiteral($"expected '{c}' at position {pos}");
        }

        pos++;
    }

    private void SkipTrivia(bool newlines)
    {
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c is ' ' or '\t' or '\f' || (newlines && c is '\r' or '\n'))
            {
                pos++;
            }
            else if (c == '#')
            {
                while (pos < text.Length && text[pos] is not ('\r' or '\n'))
                {
                    pos++;
                }
            }
            else if (c == '\\' && pos + 1 < text.Length && text[pos + 1] is '\r' or '\n')
            {
                pos += 2;
                if (pos < text.Length && text[pos - 1] == '\r' && text[pos] == '\n')
                {
                    pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode? ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw PythonLiteral.NotALiteral("nested too deeply");
        }

        SkipTrivia(depth > 0);
        var c = Peek();
        switch (c)
        {
            case '(':
                return ParseParenthesized(depth + 1);
            case '[':
                pos++;
                return ParseSequence(']', depth + 1);
            case '{':
                pos++;
                return ParseBrace(depth + 1);
            case '\'' or '"':
                return ParseStrings(string.Empty, depth);
            case '+' or '-':
                return ParseSigned(depth);
        }

        if (IsDigit(c) || (c == '.' && pos + 1 < text.Length && IsDigit(text[pos + 1])))
        {
            return ParseNumber(negative: false);
        }

        if (IsIdentifierChar(c))
        {
            return ParseName(depth);
        }

        throw PythonLiteral.NotALiteral(pos < text.Length ? $"unexpected '{c}' at position {pos}" : "unexpected end");
    }

    private JsonNode? ParseParenthesized(int depth)
    {
        pos++;
        SkipTrivia(true);
        if (Peek() == ')')
        {
            pos++;
            return new JsonArray();
        }

        var value = ParseTupleOrValue(depth);
        Expect(')', depth);
        return value;
    }

    private JsonArray ParseSequence(char close, int depth)
    {
        var array = new JsonArray();
        SkipTrivia(true);
        while (Peek() != close)
        {
            array.Add(ParseValue(depth));
            SkipTrivia(true);
            if (Peek() == ',')
            {
                pos++;
                SkipTrivia(true);
            }
            else if (Peek() != close)
            {
                throw PythonLiteral.NotALiteral($"expected ',' or '{close}' at position {pos}");
            }
        }

        pos++;
        return array;
    }

    private JsonNode ParseBrace(int depth)
    {
        SkipTrivia(true);
        if (Peek() == '}')
        {
            pos++;
            return new JsonObject();
        }

        var first = ParseValue(depth);
        SkipTrivia(true);
        if (Peek() != ':')
        {
            // A set: Python orders it by hash, which cannot be reproduced; first occurrences are kept in order.
            var set = new JsonArray(first);
            if (Peek() == ',')
            {
                pos++;
            }
            else if (Peek() != '}')
            {
                throw PythonLiteral.NotALiteral($"expected ',', ':' or '}}' at position {pos}");
            }

            foreach (var item in ParseSequence('}', depth))
            {
                if (!set.Any(existing => JsonNode.DeepEquals(existing, item)))
                {
                    set.Add(item?.DeepClone());
                }
            }

            return set;
        }

        var dict = new JsonObject();
        var key = first;
        while (true)
        {
            Expect(':', depth);
            var value = ParseValue(depth);
            dict[DictKey(key)] = value;
            SkipTrivia(true);
            if (Peek() == ',')
            {
                pos++;
                SkipTrivia(true);
            }
            else if (Peek() != '}')
            {
                throw PythonLiteral.NotALiteral($"expected ',' or '}}' at position {pos}");
            }

            if (Peek() == '}')
            {
                pos++;
                return dict;
            }

            key = ParseValue(depth);
        }
    }

    private static string DictKey(JsonNode? key)
    {
        if (key is JsonValue v)
        {
            if (v.TryGetValue<string>(out var s))
            {
                return s;
            }

            if (v.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                return v.ToJsonString();
            }
        }

        throw PythonLiteral.NotALiteral("dict keys must be strings or numbers to be held as JSON");
    }

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
