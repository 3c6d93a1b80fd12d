using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The recursive-descent reader behind <see cref="PythonLiteral"/> (Python's eval-mode grammar, literals only).</summary>
internal sealed partial class PythonLiteralParser
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
}
