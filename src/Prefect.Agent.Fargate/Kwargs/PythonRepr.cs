using System.Globalization;
using System.Text;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>Python's <c>repr</c> of a list of strings (reference Appendix C), as flow containers read their labels.</summary>
internal static class PythonRepr
{
    /// <summary>Renders <c>str(list)</c>: <c>['aws', 'staging']</c>, <c>[]</c>, <c>["it's"]</c>.</summary>
    /// <param name="items">The strings.</param>
    /// <returns>The repr.</returns>
    public static string List(IEnumerable<string> items)
        => "[" + string.Join(", ", items.Select(String)) + "]";

    /// <summary>Renders <c>repr(str)</c>: single quotes unless the text has <c>'</c> and no <c>"</c>.</summary>
    /// <param name="text">The string.</param>
    /// <returns>The repr.</returns>
    public static string String(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value == '\\' || value == quote)
            {
                sb.Append('\\').Append((char)value);
            }
            else if (value == '\t')
            {
                sb.Append("\\t");
            }
            else if (value == '\n')
            {
                sb.Append("\\n");
            }
            else if (value == '\r')
            {
                sb.Append("\\r");
            }
            else if (value is >= 0x20 and < 0x7F)
            {
                sb.Append((char)value);
            }
            else if (value >= 0x7F && IsPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (value < 0x100)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{value:x2}");
            }
            else if (value < 0x10000)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{value:x4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{value:x8}");
            }
        }

        return sb.Append(quote).ToString();
    }

    // Python's str.isprintable: not Other (Cc, Cf, Cs, Co, Cn) and not a separator other than the ASCII space.
    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
